"""A citizen in crisis: thoughts of suicide or self-harm, or a sudden loss of livelihood.

Before this module, "죽고 싶어요" got "찾지 못했어요 … 서비스 이름을 넣어서 다시 질문해 주세요", "I want to kill
myself" the English version of it, "너무 힘들어서 다 포기하고 싶어요" was read as ``cancel`` ("지금 진행 중인 것이
없어요"), and "남편이 갑자기 죽어서 생계가 막막해요. 도와주세요" was refused as out of scope (s36 fresh-user probe). A
public service's assistant that is told this gives the crisis lines first, in any state of the conversation:

* :class:`CrisisPolicy` (first of the policies, inside a form too): a message that speaks of suicide, self-harm or
  wanting to die (:func:`expresses_crisis`) → ``action_crisis``: ``utter_crisis`` (the crisis lines and the offer of a
  person in the chat) and the form, if one was active, stopped (asking for the next slot after that would be cruel).
  While the conversation waits for an agent, the handoff's waiting reply gives way to the same lines
  (:meth:`~assistant.dialogue.builtin_actions.ActionHandoff.while_paused`).
* :class:`HardshipPolicy` (outside forms): a sudden loss of livelihood ("생계가 막막해요", "먹을 게 없어요",
  "당장 쫓겨나게 생겼어요") in a message that names no service (:func:`expresses_hardship`) → ``utter_hardship``:
  where emergency welfare is asked for (보건복지상담센터 129, the 시·군·구청 and 주민센터), said as where to ask, since
  the bundled documents do not hold the 긴급복지지원 programme itself.

The numbers are the national lines (domain.yml): 자살예방상담전화 109 (보건복지부, one number for the former
1393 and others since 2024-01-01), 정신건강위기상담전화 1577-0199, 보건복지상담센터 129, 112 and 119, 학교폭력
신고센터 117 (경찰청, 24시간, 문자 #0117); in English also
the Danuri helpline 1577-1366 (다누리콜센터, for migrants, in several languages).

Own code: patterns over the message (no library reads Korean or English crisis statements offline; a classifier
trained on our few examples would miss what a pattern list states plainly and can be reviewed line by line). The
patterns are first-person statements of wanting to die or of self-harm, and requests for the crisis lines themselves
("자살예방 상담 전화번호"); words that only name the topic as a service ("자살 유족 지원") and the everyday exaggeration
"힘들어 죽겠어요" are not crises.
"""

from __future__ import annotations

import logging
import re

from assistant.dialogue.actions import TurnContext
from assistant.dialogue.events import ACTION_LISTEN_NAME, ActiveLoop, Event, SlotSet
from assistant.dialogue.policies import Prediction, message_to_read
from assistant.dialogue.service_followup import ASKS_WHERE_TO_CALL
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.nlu.domain import Domain

logger = logging.getLogger(__name__)

#: the crisis lines and the offer of a person (domain.yml)
CRISIS_RESPONSE = "utter_crisis"
#: said when the citizen declines the person the crisis lines offered: the lines stay open to them (domain.yml)
CRISIS_DECLINED_RESPONSE = "utter_crisis_declined"
#: where emergency welfare is asked for, and the offer of a person (domain.yml)
HARDSHIP_RESPONSE = "utter_hardship"
#: 112 and 119 first, then 1366 for violence and 182 for a missing child, and the offer of a person (domain.yml)
EMERGENCY_RESPONSE = "utter_emergency"
#: what a handoff right after either says while the citizen waits: the lines stay open (domain.yml)
CRISIS_HANDOFF_RESPONSE = "utter_handoff_crisis"
CRISIS_ACTION = "action_crisis"

_CRISIS_KO = re.compile(
    r"죽고\s*싶|죽어\s*버리고\s*싶|죽어버리고\s*싶|죽고\s*만\s*싶|차라리\s*죽는\s*게|죽는\s*게\s*(?:낫|나을)|죽을\s*(?:까|래)\s*(?:봐|요|\?|$)"
    r"|(?<!혼)자살(?!\s*(?:예방|유족|고위험|시도자\s*지원|률|통계))|자해|극단\s*적\s*(?:인\s*)?선택|목숨\s*을?\s*끊|스스로\s*목숨"
    r"|살고\s*싶지\s*(?:않|안)|살기\s*(?:가\s*)?싫|그만\s*살고\s*싶|더\s*(?:이상\s*)?살\s*(?:이유|자신|힘)|살\s*이유가\s*없"
    r"|사라지고\s*싶|없어지고\s*싶|세상\s*을?\s*떠나고\s*싶|뛰어\s*내리(?:고\s*싶|려고|고\s*싶)|투신|유서"
    r"|(?:삶|인생|생)\s*을?\s*(?:끝내|마감하)(?:고\s*싶|려|고\s*싶)|다\s*끝내고\s*싶|끝내고\s*싶어"
    r"|(?:다|모든\s*걸|모든\s*것을?|인생을?|삶을?)\s*포기하고\s*싶"
    r"|자살\s*예방\s*(?:상담|센터|전화|번호|핫라인)|정신\s*건강\s*위기\s*상담"  # asks for the lines themselves
    # s36 second probe: means, despair and chat spellings that said the same and got no lines
    r"|수면제\s*(?:를|을)?\s*(?:모아|모으|잔뜩|한꺼번에)|손목\s*(?:을)?\s*긋|(?:긋고|그어\s*버리고)\s*싶|목\s*(?:을)?\s*매"
    # s38 probe: an overdose weighed ("수면제 다 먹어버릴까 생각중") got the out-of-scope reply
    r"|(?:수면제|수면\s*유도제|약|농약)\s*(?:를|을)?\s*(?:다|전부|모두|몽땅|한\s*통)\s*(?:먹어\s*버릴|먹어버릴|먹을까|털어\s*넣|삼킬)"
    r"|번개탄\s*(?:을|를)?\s*(?:피울|피우려|피워|사\s*왔|샀)"
    r"|(?:삶|인생|사는\s*게|사는\s*것이?)\s*(?:이|가|은|는)?\s*(?:의미가?\s*없|무의미|너무\s*지쳐|지긋지긋)"
    r"|아무도\s*(?:나를?|저를?)\s*필요로\s*하지|(?:나|내가|제가)\s*없어지면|모든\s*걸\s*내려\s*놓고\s*싶"
    r"|극단\s*적\s*(?:인\s*)?생각|죽었으면\s*좋겠|죽어\s*버릴까|죽고\s*십|죽구\s*싶|주꼬\s*싶|죽구\s*십|ㅈㄱㅅㅇ"
    r"|(?:죽|자살하)(?:고\s*싶대|겠대|고\s*싶다고)"
    # s41 probe: a chat spelling ("죽고시퍼 ㅠㅠ": the out-of-scope reply), a threat ("이것도 못받으면 진짜 죽어버릴거야":
    # "찾지 못했어요"), being better gone ("나같은 늙은이는 그냥 없어지는게 자식들한테 나을거야": "알겠어요"), low mood
    # said of oneself ("요즘 우울해서 아무것도 못하겠어요": out of scope; the lines name 1577-0199 for it)
    r"|죽고\s*(?:시퍼|시포|시프|싶퍼|싶포)|죽어\s*버릴\s*(?:거|꺼|래|테|겁)|죽어\s*버리겠|콱\s*죽어"
    r"|(?:없어지는|사라지는|없어져\s*버리는|죽어\s*버리는)\s*(?:게|것이|거|편이)\s*[^.?!\n]{0,16}?(?:낫|나을|나아|좋을|편하)"
    r"|(?:내가|제가|나\s*하나|저\s*하나)\s*(?:없으면|없는\s*게|없어야)\s*[^.?!\n]{0,16}?(?:낫|나을|나아|편하|편할|행복)"
    # s42 probe: self-harm done ("손목을 그었어요": "알겠어요"), an overdose wished ("약 다 먹어버리고 싶다": "찾지
    # 못했어요"), standing on a roof or a bridge ("옥상에 올라와 있어요", "한강 다리 위에 있어요": "알겠어요")
    r"|손목\s*(?:을|에)?\s*(?:그었|그어|긋었)|(?:수면제|수면\s*유도제|약|농약)\s*(?:를|을)?\s*(?:다|전부|모두|몽땅|한\s*통)\s*"
    r"(?:먹어\s*버리고\s*싶|먹고\s*싶|삼키고\s*싶|먹어\s*버리려)"
    r"|(?:옥상|난간|(?:한강|대교|다리|철교)\s*(?:다리|대교)?\s*위)\s*(?:에|에서|위에)?\s*(?:혼자\s*)?"
    r"(?:올라와|올라왔|올라가\s*있|올라갔|서\s*있|와\s*있|있어요|있어|있다|있는데|왔어요)"
    r"|(?:너무|요즘|계속|매일|맨날|많이|넘)\s*우울|우울해(?:서|요|\s*죽|\s*미치)|우울하고|우울한데|우울증\s*(?:이\s*심|때문에\s*(?:너무\s*)?(?:힘들|못))")
_CRISIS_EN = re.compile(
    r"\bsuicid|\bkill(?:ing)?\s+my\s*self\b|\bend(?:ing)?\s+(?:my\s+(?:own\s+)?life|it\s+all)\b|\btake\s+my\s+(?:own\s+)?life\b"
    r"|\b(?:want|wanna|going|wish)\s+(?:to\s+)?die\b|\bwant\s+to\s+be\s+dead\b|\bbetter\s+off\s+dead\b"
    r"|\b(?:don'?t|do\s+not)\s+want\s+to\s+(?:live|be\s+alive|go\s+on)\b|\bno\s+reason\s+to\s+live\b"
    r"|\bself[\s-]?harm|\bhurt(?:ing)?\s+my\s*self\b|\bcut(?:ting)?\s+my\s*self\b"
    r"|\bkill(?:ing)?\s+(?:him|her|them)sel(?:f|ves)\b|\bcan'?t\s+go\s+on\b|\b(?:no|any)\s+point\s+(?:in\s+)?living\b"
    r"|\bwant\s+to\s+disappear\b|\bnobody\s+would\s+(?:miss|care)\b|\bno\s+one\s+would\s+(?:miss|care)\b"
    r"|\bwant\s+to\s+give\s+up\s+on\s+(?:life|everything)\b|\btired\s+of\s+(?:living|life|everything)\b"
    r"|\boverdose\b|\bsleeping\s+pills\b"
    # s41 probe: "There's no point going on, everyone would be better off without me" got "Goodbye!"
    r"|\bno\s+point\s+(?:in\s+)?(?:going\s+on|carrying\s+on|living|being\s+alive)\b|\bbetter\s+off\s+without\s+me\b"
    r"|\b(?:i'?m|i\s+am|i\s+feel|feeling|i'?ve\s+been)\s+(?:so\s+|really\s+|very\s+|too\s+)?depressed\b", re.I)
#: A parent, grandparent or spouse: who may wander off with dementia.
_ELDER_KO = r"(?:아버지|어머니|아빠|엄마|할머니|할아버지|남편|아내|부모님|시아버지|시어머니|장인|장모)"
#: One of them not back home (s42 probe: "치매 있는 아버지가 집을 나가서 안 들어와요" got "찾지 못했어요"), an emergency only
#: with a cue that it is one (:data:`_GONE_CUE_KO`: dementia, gone out, since yesterday …): "아버지가 아직 퇴근해서 안
#: 들어오셨는데 대신 신청해도 돼요?" is no emergency.
_NOT_BACK_KO = re.compile(rf"{_ELDER_KO}\s*(?:가|이|께서)?\s*[^.?!\n]{{0,24}}?"
                          r"(?:안\s*들어오|안\s*들어와|안\s*돌아오|안\s*돌아와|못\s*찾|연락\s*(?:이|도)?\s*(?:안|없)"
                          r"|전화\s*(?:를|도)?\s*(?:며칠째\s*)?안\s*받)")
_NOT_BACK_EN = re.compile(r"\b(?:my|our)\s+(?:\w+\s+){0,2}(?:father|mother|dad|mom|mum|grandfather|grandmother|grandma|grandpa|husband|wife)\b"
                          r"[^.?!]{0,40}?\b(?:hasn'?t|has\s+not|didn'?t|did\s+not)\s+(?:come|came)\s+(?:back|home)", re.I)
_GONE_CUE_EN = re.compile(r"dementia|alzheimer|since\s+(?:yesterday|last\s+night|this\s+morning)|all\s+night|for\s+(?:hours|days)|wander", re.I)
_GONE_CUE_KO = re.compile(r"치매|집\s*(?:을|에서)?\s*나가|배회|며칠|밤새|밤새도록|이틀|사흘|어제부터|아침부터|새벽에|길\s*을?\s*잃|실종"
                          # s43 probe: an older person living alone not answering ("혼자 사는 아버지가 전화를 안 받으세요")
                          r"|혼자\s*(?:사는|사시는|계시는|사세요|사셔서|지내시는)|독거")
#: A parent or grandparent with dementia gone out (s43 probe: "할머니가 치매인데 집을 나가셨어요" got "알겠어요. 어떤 점을
#: 도와드릴까요?"): 치매 and going out or not being found, in either order; 112 and 182 at once.
_DEMENTIA_KO = re.compile(r"치매")
_ELDER_RE = re.compile(_ELDER_KO)
_GONE_OUT_KO = re.compile(r"나가(?:셨|셔서|서|버리|신\s*(?:뒤|후))(?!다가)|나갔(?!다가)|안\s*(?:보이|보여|들어오|들어와|돌아오|돌아와)|없어지|없어졌"
                          r"|찾을\s*수\s*(?:가\s*)?없|못\s*찾|연락\s*(?:이|도)?\s*(?:안|없)|길\s*을?\s*잃")
#: Someone who may have collapsed or not been seen for days where they live alone (s43 probe: "옆집 할머니가 며칠째 안
#: 보여요 쓰러지신 것 같아요" got "찾지 못했어요"): 112 or 119 to check on them.
_WELFARE_CHECK_KO = re.compile(
    r"쓰러지(?:신|진)\s*(?:것|거|걸)\s*같|쓰러졌을\s*(?:까|지도|것\s*같)|쓰러져\s*계실|쓰러져\s*있을"
    r"|(?:옆집|이웃|윗집|아랫집|앞집|혼자\s*(?:사는|사시는)|독거)\s*[^.?!\n]{0,20}?(?:며칠|이틀|사흘|나흘|몇\s*일|일주일)\s*"
    r"(?:째|동안|이나)?\s*[^.?!\n]{0,10}?(?:안\s*(?:보여|보이|나오)|인기척|연락\s*(?:이|도)?\s*(?:안|없)|전화\s*(?:를|도)?\s*안\s*받)")
_WELFARE_CHECK_EN = re.compile(
    r"\b(?:neighbou?r|grand(?:mother|father|ma|pa)|(?:mother|father|mom|dad)\s+who\s+lives\s+alone)\b[^.?!]{0,60}?"
    r"\b(?:haven'?t\s+seen|not\s+seen|no\s+sign\s+of|won'?t\s+answer|isn'?t\s+answering|not\s+answering|may\s+have\s+collapsed|might\s+have\s+collapsed)", re.I)
#: Self-harm done now ("손목을 그었어요", "I cut my wrist"): hurt now, so the emergency reply (119 first, 109 beside it)
#: rather than the crisis lines alone (s43 probe: 112/119 came on the fourth line).
_HARMED_KO = re.compile(r"손목\s*(?:을|에)?\s*(?:그었|그어\s*버렸|긋었)|자해\s*(?:를\s*)?(?:했|해\s*버렸|하고\s*말았)")
_HARMED_EN = re.compile(r"\b(?:i|i'?ve|i\s+have)\s+(?:just\s+)?(?:cut|slit|slashed)\s+(?:my\s+(?:wrists?|arms?)|myself)\b", re.I)
#: an emergency told in the first person or of one's family: a missing child, violence at home or by a partner, a
#: collapse, a fire (s37 fresh-user probe: "아이가 실종됐어요 도와주세요" got the 실종아동 page without 112, "남편이
#: 자꾸 때려요 무서워요" the out-of-scope reply, "할머니가 쓰러지셨어요" "어떤 점을 도와드릴까요?")
#: A family member, a partner, a carer or a teacher: who beats someone at home or in a relationship.
_PERSON_KO = (r"(?:남편|아내|부인|와이프|남친|남자\s*친구|여친|여자\s*친구|애인|전\s*남친|전\s*남편|전\s*애인|아빠|아버지|엄마|어머니"
              r"|부모님?|오빠|형|누나|언니|새아빠|새엄마|의붓아버지|의붓어머니|계부|계모|시아버지|시어머니|할아버지|할머니|삼촌|선생님?"
              # s42 probe: an older person beaten by a grown child ("아들이 제 돈을 다 가져가고 때려요 저는 여든이에요")
              r"|아들|(?<![가-힣])딸|자식|며느리|사위|손자|손녀|요양\s*보호사|간병인)")
_EMERGENCY_KO = re.compile(
    r"(?:아이|애|아들|딸|자녀|아기|동생|손자|손녀|아버지|어머니|아빠|엄마|할머니|할아버지)\s*(?:가|이|를|을)?\s*"
    r"(?:실종|없어졌|사라졌|안\s*(?:들어와|돌아와)|연락이?\s*(?:안|없)|잃어버)"
    # s38 probe: words between ("애가 놀이터에서 안보여요", "딸이 학교 끝나고 아직 집에 안왔어요 연락도 안돼요")
    r"|(?:아이|애|아들|딸|자녀|아기|동생|손자|손녀)\s*(?:가|이)\s*[^.?!\n]{0,24}?"
    r"(?:안\s*보여|안\s*보이|안\s*와|안\s*왔|안\s*들어와|안\s*들어왔|안\s*돌아와|안\s*돌아왔|없어졌|사라졌|연락\s*(?:이|도)?\s*(?:안|없)|못\s*찾)"
    # fear of a partner or family member at home, and being followed (s38 probe: "남편이 술만 마시면 무서워요 집에 가기
    # 싫어요", "남친이 계속 따라와요 무서워요" got the out-of-scope reply)
    r"|(?:남편|아내|와이프|남친|남자\s*친구|여친|애인|전\s*남친|전\s*남편|전\s*애인|아빠|아버지|새아빠|의붓아버지)\s*(?:이|가)?"
    r"\s*[^.?!\n]{0,20}?(?:무서워|무섭|겁나|두려워|두렵)"
    r"|(?:남친|남자\s*친구|여친|애인|전\s*남친|전\s*남편|전\s*애인|전\s*여친|모르는\s*(?:사람|남자)|어떤\s*(?:사람|남자)|누가|누군가)"
    r"\s*(?:이|가)?\s*[^.?!\n]{0,12}?(?:따라와|따라오|따라다니|따라다녀|쫓아와|쫓아오|쫓아다니|쫓아다녀|기다리고\s*있)"
    r"|(?:아이|애|아들|딸|자녀|아기)\s*(?:를|을)?\s*잃어버렸|실종\s*(?:됐|되었|신고)"
    # s54 probe: the child after the verb ("작년에 잃어버린 아이를 아직 못 찾았어요": "어떤 점을 도와드릴까요?")
    r"|잃어버린\s*(?:아이|애|아들|딸|자녀|아기)"
    # s42 probe: a parent or spouse lost ("어머니가 어제부터 없어졌어요"); not home yet counts with a cue
    # (:data:`_NOT_BACK_KO`)
    rf"|{_ELDER_KO}\s*(?:가|이|께서)?\s*[^.?!\n]{{0,24}}?(?:길\s*을?\s*잃|없어졌|없어지셨|사라졌|사라지셨|실종)"
    r"|(?:남편|아내|부인|와이프|남친|남자\s*친구|여친|애인|아빠|아버지|엄마|어머니|부모님?|오빠|형|시아버지|시어머니|전\s*남편)"
    r"\s*(?:이|가|한테|에게|께서)?\s*(?:자꾸|또|계속|매일|맨날)?\s*(?:때려|때리|때렸|폭행|폭력|목\s*(?:을)?\s*졸|죽이겠다|죽인다고|협박)"
    r"|(?:가정|데이트|성)\s*(?:폭력|폭행|추행)\s*(?:을|를|에)?\s*(?:당했|당하고|시달리)|맞고\s*(?:살아|있어|지내)|학대\s*(?:당하|받고|를\s*당)"
    r"|스토킹\s*(?:을|를)?\s*(?:당하|당했)|살려\s*주세요|살려줘"
    r"|쓰러졌|쓰러지셨|쓰러져\s*(?:있|계)|의식\s*(?:이|을)?\s*(?:없|잃)|숨\s*(?:을|이)?\s*(?:안|못)\s*쉬|심장\s*(?:이|을)?\s*멈"
    r"|피\s*(?:를|가)\s*많이|불\s*(?:이|났)\s*(?:났|어요|다)|집에\s*불"
    # s39 probe: a child beaten, said with the object ("아빠가 맨날 저 때려요", "엄마가 저를 자꾸 때려요": the out-of-scope
    # reply), and an overdose taken ("약을 한통 다 먹었어요", "수면제 왕창 먹었어요": "알겠어요" / out of scope)
    r"|(?:남편|아내|부인|와이프|남친|남자\s*친구|여친|애인|아빠|아버지|엄마|어머니|부모님?|오빠|형|새아빠|새엄마|선생님?)"
    r"\s*(?:이|가|께서)?\s*(?:자꾸|또|계속|매일|맨날)?\s*(?:저|나|저를|나를|절|날)\s*(?:자꾸|또|계속|매일|맨날)?\s*"
    r"(?:때려|때리|때렸|폭행|괴롭혀|목\s*(?:을)?\s*졸)"
    r"|(?:수면제|수면\s*유도제|약|농약|진통제|감기약|타이레놀|신경\s*안정제)\s*(?:를|을)?\s*"
    r"(?:한\s*통|통째로?|왕창|잔뜩|한꺼번에|너무\s*많이|한\s*움큼|몽땅)\s*(?:다\s*)?(?:먹었|먹어\s*버렸|삼켰|털어\s*넣었)"
    # s40 probe: violence told with other words between ("남편이 술마시고 때려서 애들이랑 집 나왔어요", "남편이 술만
    # 마시면 때려요") or as what was suffered ("남편한테 맞았어요", "아빠한테 맞았어요"): a family member or partner,
    # then within the clause a verb of beating; or beaten by one (한테/에게 … 맞았/맞아/맞고; 맞 alone is "correct")
    rf"|{_PERSON_KO}\s*(?:이|가|께서|는|은)?\s*[^.?!\n]{{0,16}}?(?:때려|때리|때렸|때린|폭행|폭력\s*을?\s*휘두|목\s*(?:을)?\s*졸|발로\s*(?:차|찼))"
    rf"|{_PERSON_KO}\s*(?:한테|에게|한테서|에게서)\s*(?:(?!주사|접종|백신|침|링거|수액)[^.?!\n\s]+\s*){{0,2}}?"
    r"(?:맞았|맞아서|맞아요|맞고|맞는다|두들겨\s*맞|폭행\s*당|학대\s*당)"
    # s41 probe: a child bullied or beaten at school ("우리 애가 학교에서 괴롭힘을 당하고 맞고 와요": "알겠어요"), a child
    # heard being beaten ("옆집 아이가 매일 맞는 소리가 들려요": out of scope); 117 (학교폭력) and 112 (아동학대)
    r"|괴롭힘\s*(?:을|를)?\s*(?:당하|당했|당해|받고|받았)|왕따\s*(?:를|을)?\s*(?:당하|당했|당해)|학교\s*폭력\s*(?:을|를)?\s*(?:당하|당했|당해)"
    r"|학폭\s*(?:을|를)?\s*(?:당하|당했|당해)|(?:학교|반|교실)\s*에서\s*[^.?!\n]{0,12}?(?:때려|때렸|괴롭혀)"
    r"|(?:아이|애|아동|애기|아기|학생)\s*(?:가|이|를|을)?\s*[^.?!\n]{0,12}?(?:맞는\s*소리|비명)|아동\s*학대\s*(?:를|을)?\s*(?:당하|당했|같아|의심|하는\s*것\s*같)")
#: Beaten at school said with 맞 alone ("맞고 와요", "친구들한테 맞았어요"; s41 probe), unless what was taken is a shot ("예방접종 맞고 왔어요", "학교에서
#: 주사 맞았어요": 맞 is also an injection taken and "correct"): :data:`_NOT_BEATEN`.
_BEATEN_AT_SCHOOL_KO = re.compile(
    r"맞고\s*(?:와|왔|들어와|들어왔|다녀)"
    r"|(?:친구|애들|선배|형들|언니들|누나들|일진|같은\s*반\s*(?:애|아이))\S{0,2}\s*(?:한테|에게)\s*(?:(?:또|자꾸|계속|매일|맨날|많이|심하게|엄청)\s*)?(?:맞았|맞아서|맞아요|맞고|맞는다)")
_NOT_BEATEN = re.compile(r"주사|접종|백신|예방\s*약|링거|수액|침\s*(?:을|을\s*)?맞|독감|코로나|정답|답이|말이")
_EMERGENCY_EN = re.compile(
    r"\b(?:my|our)\s+(?:child|kid|son|daughter|baby|mother|father|mom|dad)\s+(?:is|has\s+gone|went)\s+missing\b"
    r"|\blost\s+my\s+(?:child|kid|son|daughter|baby)\b|\bcan'?t\s+find\s+my\s+(?:child|kid|son|daughter|baby)\b"
    r"|\b(?:husband|wife|partner|boyfriend|girlfriend|father|dad|mother|mom)\s+(?:beats|hits|hurts|abuses|kicks|chokes)\s+me\b"
    r"|\b(?:beats|hits|hurts|abuses)\s+me\b|\bdomestic\s+(?:violence|abuse)\b|\b(?:was|been|being)\s+(?:raped|assaulted|abused)\b"
    r"|\bcollapsed\b|\bunconscious\b|\bnot\s+breathing\b|\bheart\s+attack\b|\bhelp\s+me\s+please\b|\bhouse\s+is\s+on\s+fire\b"
    r"|\b(?:child|kid|son|daughter)\s+(?:hasn'?t|has\s+not|didn'?t|did\s+not)\s+(?:come|came)\s+home\b"
    r"|\b(?:someone|somebody|a\s+man|a\s+stranger|my\s+ex)\s+(?:is|keeps)\s+(?:following|stalking)\s+me\b"
    r"|\b(?:being|been)\s+(?:followed|stalked)\b|\b(?:beat|hit|hurt|abused)\s+me\b|\bbeaten\s+(?:up\s+)?by\s+my\b"
    r"|\b(?:scared|afraid|terrified)\s+of\s+my\s+(?:husband|wife|partner|boyfriend|girlfriend|father|dad|ex)\b"
    r"|\b(?:took|taken|swallowed)\s+(?:too\s+many|a\s+lot\s+of|a\s+whole\s+bottle\s+of|all\s+(?:my|the|of\s+my))\s+"
    r"(?:pills|tablets|medicine|meds|sleeping\s+pills)\b|\boverdosed\b"
    # s41 probe: "My son is being bullied at school and comes home with bruises" got 초·중·고 교육비 지원
    r"|\b(?:is|was|being|been|gets?|getting)\s+bullied\b|\bcomes?\s+home\s+with\s+bruises\b|\bchild\s+abuse\b"
    r"|\bhear\w*\s+(?:a\s+|the\s+)?(?:child|kid|baby)\w*\s+(?:being\s+)?(?:beaten|hit|screaming|crying\s+for\s+help)\b"
    # s42: a parent or spouse with dementia gone from home
    r"|\b(?:my|our)\s+(?:\w+\s+){0,2}(?:father|mother|dad|mom|mum|grandfather|grandmother|grandma|grandpa|husband|wife)\b"
    r"[^.?!]{0,40}?\b(?:wandered\s+off|went\s+missing|is\s+missing|has\s+gone\s+missing)",
    re.I)
#: The household bills a citizen says they cannot pay (utilities, rent, care): spoken names and the catalogue's.
_BILLS_KO = r"(?:전기세|전기요금|전기료|가스비|가스요금|가스료|수도세|수도요금|수도료|난방비|월세|집세|관리비|공과금|병원비|약값|생활비)"
_HARDSHIP_KO = re.compile(
    r"생계\s*가?\s*(?:막막|어렵|어려워|힘들|곤란)|살\s*길이?\s*막막|먹고\s*살\s*(?:길|방법)이?\s*(?:없|막막)"
    r"|먹을\s*(?:게|것이?|거)\s*없|당장\s*(?:생활비|돈|먹을)\S*\s*없"
    # s39 probe: "며칠째 밥을 못먹었어요 돈이 하나도 없어요" got "찾지 못했어요"
    r"|돈\s*(?:이|은)?\s*(?:하나도|한\s*푼도|전혀|땡전\s*한\s*푼도?)\s*없"
    r"|(?:집|방)에서\s*쫓겨(?:나|났)|쫓겨나게|쫓겨났|길\s*에?\s*나앉|노숙\s*하게|(?:전기|가스|수도)\s*(?:가|도)?\s*끊(?:겼|길|어)|단전|단수"
    # s40 probe: nowhere to sleep ("집에서 쫓겨났어요 잘 곳이 없어요", "집 나왔어요 갈데가 없어요")
    r"|(?:갈|잘|지낼|머물|있을|살)\s*(?:데|곳|집)\s*(?:가|이|도)?\s*(?:없|하나도\s*없)"
    # s47: a bill the household cannot pay ("전기세 낼 돈이 없어요" was read as a bare no: "확인을 기다리는 요청이 없어요")
    rf"|{_BILLS_KO}\s*(?:을|를|도)?\s*(?:낼|내야\s*할|낼\s*만한|갚을)\s*돈\s*(?:이|도)?\s*(?:없|하나도\s*없|부족)"
    rf"|{_BILLS_KO}\s*(?:을|를|도|가|이)?\s*(?:몇\s*달(?:째)?\s*|계속\s*)?(?:못\s*내|낼\s*수\s*(?:가\s*)?없|밀렸|밀려\s*있)"
    )
#: Going without food ("며칠째 굶고 있어요"; s40 probe, which got "찾지 못했어요" or "알겠어요": days said in a number,
#: "3일째 아무것도 못 먹었어요", starving, "이틀째 굶었어요", living on nothing, "일주일째 라면 하나로 버티고 있어요"),
#: unless by choice (:data:`_BY_CHOICE`: a diet, a fast).
_HUNGER_KO = re.compile(
    r"(?:\d+\s*일|며칠|이틀|사흘|나흘|일주일|몇\s*일)\s*(?:째|동안|을|이나)?\s*(?:밥\s*(?:을|도)?|아무\s*것도|끼니\s*를?)?\s*(?:못|안)\s*먹"
    r"|굶(?:었|어요|어서|고|는|은|을|주리)(?!\s*(?:는\s*)?(?:아이들?|아동|어린이)\s*(?:돕|후원|기부))"
    r"|(?:라면|물|빵|김치)\s*(?:하나|한\s*개|한\s*봉지|만)\s*(?:으로|로)\s*(?:버티|살|연명)")
_BY_CHOICE = re.compile(r"다이어트|단식|금식|간헐적|살\s*(?:빼|뺄|빠)|\bdiet|\bfasting", re.I)
_HARDSHIP_EN = re.compile(
    r"\b(?:can'?t|cannot)\s+afford\s+(?:food|to\s+eat|rent)\b|\bnothing\s+to\s+eat\b|\bno\s+money\s+for\s+food\b"
    r"|\b(?:being|getting)\s+evicted\b|\bhave\s+no\s+money\s+left\b|\bno\s+food\b"
    r"|\b(?:we|i)\s+(?:have|got)\s+no\s+money\b|\b(?:we|i)\s+(?:have|got)\s+nothing\s+to\s+live\s+on\b"
    r"|\b(?:can'?t|cannot|couldn'?t)\s+(?:pay|afford)\s+(?:the\s+|my\s+|our\s+)?(?:rent|bills|(?:electricity|electric|power|gas|"
    r"heating|water|utility|medical|hospital)\s+bills?)\b"
    r"|\bhaven'?t\s+eaten\s+(?:anything\s+)?(?:in|for)\b|\bnowhere\s+to\s+(?:sleep|stay|go|live)\b|\bkicked\s+out\s+of\s+(?:my|our|the)\s+(?:home|house|flat|apartment)\b"
    r"|\b(?:i'?m|we'?re|i\s+am|we\s+are)\s+homeless\b", re.I)


def expresses_crisis(text: str | None) -> bool:
    """Whether ``text`` speaks of suicide, self-harm or wanting to die (Korean or English; module docstring).

    >>> expresses_crisis("죽고 싶어요"), expresses_crisis("I want to kill myself"), expresses_crisis("너무 힘들어서 다 포기하고 싶어요")
    (True, True, True)
    >>> expresses_crisis("더워 죽겠어요"), expresses_crisis("자살 유족 지원 있나요?"), expresses_crisis("에너지바우처 신청")
    (False, False, False)
    >>> expresses_crisis("자살예방센터 전화번호 알려주세요")  # the lines asked for: they are what it gives
    True
    """
    return bool(text) and bool(_CRISIS_KO.search(str(text)) or _CRISIS_EN.search(str(text)))


#: A disappearance told as long past (years ago, last year, for years) with a question of support
#: (:data:`_ASKS_SUPPORT`): the family asks about the long search and its support, not for 112 now (s54 probe: "My
#: child went missing years ago, is there support for families?" and "아이가 몇 년 전에 실종됐는데 가족 지원
#: 있나요?" got the emergency lines alone, never 실종아동 보호 및 지원).
_LONG_AGO = re.compile(
    r"(?:\d+|몇|여러|수|한두|두세)\s*(?:년|해)\s*(?:전|째|동안|이\s*지나|가\s*지나|이\s*넘|가\s*넘)|오래\s*(?:전|됐|되었)|(?<![가-힣])작년|재작년"
    r"|\b(?:years?|decades?)\s+ago\b|\blast\s+year\b|\blong\s+ago\b|\bfor\s+(?:many\s+|several\s+)?years\b", re.I)
#: What asks for support (:data:`_LONG_AGO`: "작년에 잃어버린 아이를 아직 못 찾았어요", which asks nothing, still gets
#: 182, the line that searches for long-missing children too).
_ASKS_SUPPORT = re.compile(r"지원|도움|도와|혜택|서비스|제도|\bsupport|\bhelp|\bassist|\bservices?\b|\bbenefits?\b", re.I)
#: What a disappearance is told with (:data:`_LONG_AGO`).
_GONE_MISSING = re.compile(r"실종|잃어버|없어졌|없어지셨|사라졌|사라지셨|\bmissing\b|\blost\s+my\b|\bdisappeared\b", re.I)


def expresses_emergency(text: str | None) -> bool:
    """Whether ``text`` tells of an emergency now: a missing child or family member, violence at home or by a partner,
    a collapse, a fire (Korean or English). These need 112 or 119 first, not a service page.

    >>> expresses_emergency("아이가 실종됐어요 도와주세요"), expresses_emergency("남편이 자꾸 때려요 무서워요")
    (True, True)
    >>> expresses_emergency("할머니가 쓰러지셨어요"), expresses_emergency("My husband beats me, I'm scared")
    (True, True)
    >>> expresses_emergency("실종아동 지원 서비스 알려줘"), expresses_emergency("혼자살아요")
    (False, False)
    >>> expresses_emergency("아이가 몇 년 전에 실종됐는데 가족 지원 있나요?")  # long past: the search, not 112 now
    False
    >>> expresses_emergency("I lost my job years ago and my husband beats me, is there help?")
    True
    """
    if not text:
        return False
    said = str(text)
    if _LONG_AGO.search(said) and _ASKS_SUPPORT.search(said):
        # a disappearance long past is no emergency now; anything else the message tells still is ("I lost my job
        # years ago and my husband beats me, is there help?")
        said = _GONE_MISSING.sub(" ", said)
    return bool(_EMERGENCY_KO.search(said) or _EMERGENCY_EN.search(said)
                or (_BEATEN_AT_SCHOOL_KO.search(said) and not _NOT_BEATEN.search(said))
                or (_NOT_BACK_KO.search(said) and _GONE_CUE_KO.search(said))
                or (_NOT_BACK_EN.search(said) and _GONE_CUE_EN.search(said))
                or (_ELDER_RE.search(said) is not None and _DEMENTIA_KO.search(said) is not None
                    and _GONE_OUT_KO.search(said) is not None)
                or _WELFARE_CHECK_KO.search(said) is not None or _WELFARE_CHECK_EN.search(said) is not None
                or _HARMED_KO.search(said) is not None or _HARMED_EN.search(said) is not None)


def crisis_response(text: str | None) -> str | None:
    """The response a message in crisis gets first: :data:`CRISIS_RESPONSE` (suicide, self-harm), else
    :data:`EMERGENCY_RESPONSE` (an emergency now), else None."""
    if text and (_HARMED_KO.search(str(text)) or _HARMED_EN.search(str(text))):
        return EMERGENCY_RESPONSE  # hurt now: 119 first (the reply names 109 beside it)
    if expresses_crisis(text):
        return CRISIS_RESPONSE
    if expresses_emergency(text):
        return EMERGENCY_RESPONSE
    return None


def expresses_hardship(text: str | None) -> bool:
    """Whether ``text`` speaks of a sudden loss of livelihood (no food, no money to live on, eviction, utilities cut).

    >>> expresses_hardship("남편이 갑자기 죽어서 생계가 막막해요"), expresses_hardship("며칠째 굶고 있어요")
    (True, True)
    >>> expresses_hardship("에너지바우처 신청 방법"), expresses_hardship("생계급여 기준이 뭐예요?")
    (False, False)
    >>> expresses_hardship("전기세 낼 돈이 없어요"), expresses_hardship("월세를 몇 달째 못 내고 있어요")
    (True, True)
    >>> expresses_hardship("I can't pay my electricity bill"), expresses_hardship("전기요금 할인 받을 수 있나요?")
    (True, False)
    """
    if not text:
        return False
    said = str(text)
    return bool(_HARDSHIP_KO.search(said) or _HARDSHIP_EN.search(said)
                or (_HUNGER_KO.search(said) and not _BY_CHOICE.search(said)))


def _typed_text(tracker: DialogueStateTracker) -> str | None:
    """The latest message's typed text right after it (the last action ``action_listen``), in a form too; None for a
    button's payload or an empty message."""
    if tracker.latest_action_name != ACTION_LISTEN_NAME or tracker.latest_message is None:
        return None
    text = tracker.latest_message.text
    return text if text and text.strip() and not text.startswith("/") else None


#: "What do I do?" right after the lines: "어떡해요", "어떻게 해야 돼요?", "어디로 가면 돼요", "도와주세요", "what should I
#: do?" (s45 probe: "어떡해요" after the missing-child reply (112, 182) was "그 질문은 여기서 답해 드리기 어려워요")
_ASKS_WHAT_NOW = re.compile(
    r"^\s*(?:그럼|그러면|아|어|ㅠ+|ㅜ+|제발|지금)?\s*(?:어떡해|어떡하|어떻게\s*해|어떻게\s*하|어쩌|어째|어떡|어디로\s*가|어디\s*가|도와)"
    r"[가-힣\s?？!~.ㅠㅜ]{0,12}$"
    r"|^\s*(?:so\s+|then\s+|ok\s+)?(?:what\s+(?:do|should|can)\s+i\s+do(?:\s+now)?|what\s+now|where\s+(?:do|should)\s+i\s+go"
    r"|help(?:\s+me)?(?:\s+please)?|please\s+help(?:\s+me)?)\s*[?!.]*\s*$", re.I)


class CrisisPolicy:
    """A message that speaks of suicide or self-harm, in any state of the conversation → ``action_crisis``."""

    name = "CrisisPolicy"

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """``action_crisis`` right after such a message (when the domain has ``utter_crisis``); right after the crisis
        lines, a yes → ``action_handoff`` (the person they offered) and a no or thanks → :data:`CRISIS_DECLINED_RESPONSE`
        (s36 second probe: "아니요 괜찮아요" got "확인을 기다리는 요청이 없어요"); else None."""
        text = _typed_text(tracker)
        if (response := crisis_response(text)) is not None and context.has_response(response):
            return Prediction(CRISIS_ACTION, self.name)
        before = _reply_before(tracker)
        if tracker.latest_action_name == ACTION_LISTEN_NAME and tracker.active_loop is None and text \
                and before in (CRISIS_RESPONSE, EMERGENCY_RESPONSE, HARDSHIP_RESPONSE) \
                and (ASKS_WHERE_TO_CALL.search(text) or _ASKS_WHAT_NOW.search(text)) and context.has_response(before):
            # "어디로 연락하면 돼요?" or "어떡해요" right after the lines (s43 probe: after 129 for "사흘째 굶었어요", a
            # handoff that named only 110; s45: "어떡해요" after 112 and 182 was out of scope): the same lines again
            return Prediction(before, self.name)
        if tracker.latest_action_name != ACTION_LISTEN_NAME or tracker.active_loop is not None \
                or before not in (CRISIS_RESPONSE, EMERGENCY_RESPONSE):
            return None
        intent = (tracker.latest_message.intent or {}).get("name") if tracker.latest_message is not None else None
        if intent == "affirm":
            return Prediction("action_handoff", self.name)
        if intent in ("deny", "cancel", "thank", "goodbye") and context.has_response(CRISIS_DECLINED_RESPONSE):
            return Prediction(CRISIS_DECLINED_RESPONSE, self.name)
        return None


#: the handoff reason recorded when the citizen takes the person the crisis lines offered (by "네" or the button), so
#: that agents see a crisis, not an ordinary request (s36 second probe: it was queued as ``user_request``)
CRISIS_HANDOFF_REASON = "crisis"


def handoff_after_crisis(tracker: DialogueStateTracker) -> bool:
    """Whether the assistant's last message before the latest user message was the crisis lines (``utter_crisis``):
    a handoff now is the person they offered."""
    return _reply_before(tracker) in (CRISIS_RESPONSE, EMERGENCY_RESPONSE)


def _reply_before(tracker: DialogueStateTracker) -> str | None:
    """The ``custom.response`` of the assistant's last message before the latest user message
    (:func:`~assistant.dialogue.confirmation.previous_bot`), or None."""
    from assistant.dialogue.confirmation import previous_bot

    said = previous_bot(tracker)
    if said is None:
        return None
    return str((said.data.get("custom") or {}).get("response") or "") or None


class HardshipPolicy:
    """Outside a form, a sudden loss of livelihood told in a message that names no service → ``utter_hardship``."""

    name = "HardshipPolicy"

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """``utter_hardship`` right after such a message, else None (a service named: "생계가 어려운데 에너지바우처
        신청 방법 알려주세요" is answered as asked)."""
        text = message_to_read(tracker)
        if not expresses_hardship(text) or not context.has_response(HARDSHIP_RESPONSE):
            return None
        find = getattr(context.services, "find", None)
        if find is not None and find(text):
            return None
        return Prediction(HARDSHIP_RESPONSE, self.name)


class ActionCrisis:
    """``utter_crisis`` (or ``utter_emergency``: :func:`crisis_response`), after stopping the active form if there is one (``active_loop: null``, ``requested_slot:
    null``); the conversation id is logged at WARNING (never the message) so that operators can follow up."""

    name = CRISIS_ACTION

    def run(self, tracker: DialogueStateTracker, domain: Domain, context: TurnContext) -> list[Event]:
        """The events: the form stopped (when active), then the crisis response."""
        response = crisis_response(_typed_text(tracker)) or CRISIS_RESPONSE
        logger.warning("crisis message: the crisis lines were given", extra={"conversation_id": tracker.sender_id,
                                                                              "stage": "crisis", "response": response})
        events: list[Event] = []
        if tracker.active_loop_name:
            events += [ActiveLoop(None), SlotSet("requested_slot", None)]
        return [*events, context.utter(tracker, response)]
