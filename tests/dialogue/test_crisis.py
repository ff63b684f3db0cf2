"""A citizen in crisis gets the crisis lines first, in any state of the conversation (s36 fresh-user probe: "죽고
싶어요" was told to name a service, "I want to kill myself" the same in English, "너무 힘들어서 다 포기하고 싶어요"
was read as cancel, and "남편이 갑자기 죽어서 생계가 막막해요" was refused as out of scope). assistant/dialogue/crisis.py,
through the engine on the bundled corpus; the numbers are checked against the national lines (109: 자살예방상담전화,
보건복지부, since 2024-01-01; 129: 보건복지상담센터)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from assistant.dialogue.crisis import expresses_crisis, expresses_emergency, expresses_hardship
from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from tests.dialogue.test_detail_followup import first_cited, page


def say(p: MessageProcessor, text: str, sender: str = "c1") -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def responses(turn: Turn) -> list[str | None]:
    return [m.custom.get("response") for m in turn.messages]


CRISIS = ["죽고 싶어요", "너무 힘들어서 다 포기하고 싶어요", "그냥 자살하고 싶다", "살기 싫어요 진짜", "사라지고 싶어",
          "I want to kill myself", "I don't want to live anymore", "thinking about suicide", "I want to die",
          # the second s36 probe: means, despair, someone else's, chat spellings
          "수면제 모아놨어요", "손목 긋고 싶어요", "삶이 의미가 없어요", "아무도 나를 필요로 하지 않아요", "모든 걸 내려놓고 싶어요",
          "극단적인 생각이 들어요", "혼자 사는 노인인데 그냥 죽었으면 좋겠어요", "아들이 죽고 싶대요", "죽고십어", "죽어버릴까",
          "주꼬싶어", "ㅈㄱㅅㅇ", "I can't go on anymore", "there's no point in living", "I want to disappear",
          "my son wants to kill himself", "nobody would miss me if I was gone", "I'm so tired of everything",
          # s38 probe: an overdose weighed got the out-of-scope reply
          "수면제 다 먹어버릴까 생각중", "약을 전부 먹을까 봐요", "번개탄 사왔어요",
          # s41 probe: a chat spelling, a threat, being better gone, low mood said of oneself (Korean and English)
          "죽고시퍼 ㅠㅠ", "이것도 못받으면 진짜 죽어버릴거야", "나같은 늙은이는 그냥 없어지는게 자식들한테 나을거야",
          "제가 없으면 다들 편할 거예요", "요즘 우울해서 아무것도 못하겠어요", "너무 우울해요",
          "There's no point going on, everyone would be better off without me", "I feel so depressed",
          # s42 probe: self-harm done, an overdose wished, standing on a roof or a bridge
          "손목을 그었어요", "약 다 먹어버리고 싶다", "수면제 다 먹고 싶어요", "옥상에 올라와 있어요", "한강 다리 위에 있어요"]
NOT_CRISIS = ["다이어트로 굶고 있어요", "굶는 아이들 돕기 기부하고 싶어요", "3일째 약을 못 먹었어요", "더워 죽겠어요", "배고파 죽겠네", "자살 유족 지원 있나요?", "에너지바우처 신청 방법", "신청 취소하고 싶어요",
              "I'm dying to know how to apply", "Can I cancel my application?", "기초생활수급자 생계급여 얼마예요?",
              "I'm dead tired", "this form is killing me", "I want to give up smoking, is there support?", "목요일에 가요",
              # s37 probe: 자살 inside 혼자살 ("living alone") raised the alarm
              "혼자살아요", "기초수급자에요 혼자살고 68살이에요", "혼자살면 받을 수 있는 거 있어요?",
              # s41: a service for low mood is asked about, not felt; what would be better is no person
              "우울증 치료비 지원 있나요", "우울증이 있는데 상담 지원 받을 수 있나요?", "신청서 없는 게 나을까요",
              "서류가 없어지는 게 걱정이에요", "Is depression treatment covered?",
              # s42: a roof, a bridge, pills named with no wish to die
              "옥상 방수 공사 지원 있나요", "옥상에 태양광 설치하고 싶어요", "다리 위 보행 안전 시설", "약 다 먹고 나서 병원 다시 가야 하나요"]


@pytest.mark.parametrize("text", CRISIS)
def test_crisis_statements_are_read(text: str) -> None:
    assert expresses_crisis(text)


@pytest.mark.parametrize("text", NOT_CRISIS)
def test_everyday_words_are_no_crisis(text: str) -> None:
    assert not expresses_crisis(text) and not expresses_hardship(text)


@pytest.mark.parametrize(("text", "lines"), [
    ("죽고 싶어요", ["109", "1577-0199", "112", "119"]),
    ("너무 힘들어서 다 포기하고 싶어요", ["109"]),
    ("I want to kill myself", ["109", "1577-0199", "1577-1366", "112", "119"]),
    ("요즘 우울해서 아무것도 못하겠어요", ["109", "1577-0199"]),
    ("There's no point going on, everyone would be better off without me", ["109", "1577-0199"]),
])
def test_the_crisis_lines_come_first_with_a_person_offered(processor: Any, text: str, lines: list[str],
                                                           caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="assistant.dialogue.crisis"):
        t = say(processor, text)
    assert responses(t) == ["utter_crisis"], [m.text for m in t.messages]
    m = t.messages[0]
    assert all(n in m.text for n in lines), m.text
    assert [b["payload"] for b in m.buttons] == ["/human_handoff"]
    # operators see that a crisis was answered, never what was said
    records = [r for r in caplog.records if r.name == "assistant.dialogue.crisis"]
    assert records and all(text not in r.getMessage() for r in records)


def test_a_threat_after_an_answer_gets_the_lines(processor: Any) -> None:
    """s41 probe: "이것도 못받으면 진짜 죽어버릴거야" after an answer got "자료에서 관련 내용을 찾지 못했어요"."""
    say(processor, "에너지바우처 신청방법", sender="c-threat")
    t = say(processor, "이것도 못받으면 진짜 죽어버릴거야", sender="c-threat")
    assert responses(t)[0] == "utter_crisis" and "109" in t.messages[0].text, [m.text for m in t.messages]


def test_a_crisis_inside_the_questionnaire_stops_it(processor: Any) -> None:
    say(processor, "제가 받을 수 있는 지원이 있나요?")
    assert processor.tracker_state("c1")["active_loop"].get("name") == "eligibility_form"
    t = say(processor, "죽고 싶어요")
    assert responses(t) == ["utter_crisis"], [m.text for m in t.messages]  # no question asked after the lines
    state = processor.tracker_state("c1")
    assert not state["active_loop"].get("name") and state["slots"].get("requested_slot") is None


def test_a_crisis_while_waiting_for_an_agent_gets_the_lines(processor: Any) -> None:
    say(processor, "사람이랑 얘기하고 싶어요")
    assert processor.load("c1").paused
    t = say(processor, "죽고 싶어요")
    assert responses(t) == ["utter_crisis"] and "109" in t.messages[0].text
    assert not t.messages[0].buttons  # the person is already being waited for: not offered again


@pytest.mark.parametrize("text", ["남편이 갑자기 죽어서 생계가 막막해요. 도와주세요", "며칠째 굶고 있어요",
                                  "월세가 밀려서 집에서 쫓겨나게 생겼어요",
                                  "며칠째 밥을 못먹었어요 돈이 하나도 없어요",  # s39 probe: "찾지 못했어요"
                                  # s40 probe: "찾지 못했어요", "알겠어요", the out-of-scope reply
                                  "3일째 아무것도 못 먹었어요", "이틀째 굶었어요", "일주일째 라면 하나로 버티고 있어요",
                                  "집에서 쫓겨났어요 잘 곳이 없어요", "I haven't eaten in 3 days", "I'm homeless",
                                  # s47: a bill the household cannot pay ("전기세 낼 돈이 없어요" was a bare "no":
                                  # "확인을 기다리는 요청이 없어요")
                                  "전기세 낼 돈이 없어요", "가스비도 못 내고 있어요", "I can't pay my electricity bill"])
def test_a_sudden_loss_of_livelihood_is_told_where_to_ask(processor: Any, text: str) -> None:
    t = say(processor, text)
    assert responses(t) == ["utter_hardship"], [m.text for m in t.messages]
    assert "129" in t.messages[0].text and "주민센터" in t.messages[0].text


def test_hardship_with_a_service_named_answers_the_question(processor: Any) -> None:
    t = say(processor, "생계가 어려운데 에너지바우처 신청 방법 알려주세요")
    assert responses(t) == ["action_answer_from_knowledge"]
    assert t.messages[0].custom["citations"][0]["title"] == "에너지바우처"


def test_declining_the_person_keeps_the_lines_open(processor: Any) -> None:
    say(processor, "죽고 싶어요")
    t = say(processor, "아니요 괜찮아요")
    assert responses(t) == ["utter_crisis_declined"], [m.text for m in t.messages]
    assert "109" in t.messages[0].text


def handoff_reasons(processor: Any, sender: str) -> list[str | None]:
    from assistant.dialogue.events import HandoffRequested

    return [e.reason for e in processor.load(sender).events if isinstance(e, HandoffRequested)]


@pytest.mark.parametrize("reply", ["네", "/human_handoff"])  # typed, or the offer's button
def test_a_yes_to_the_crisis_offer_hands_off(processor: Any, reply: str) -> None:
    say(processor, "죽고 싶어요", sender="c2")
    say(processor, reply, sender="c2")
    assert processor.load("c2").paused
    # queued as a crisis, not an ordinary request (s36 second probe: the button's handoff read user_request)
    assert handoff_reasons(processor, "c2") == ["crisis"]


def test_an_ordinary_handoff_keeps_its_reason(processor: Any) -> None:
    say(processor, "상담원 연결해 주세요", sender="c4")
    assert handoff_reasons(processor, "c4") == ["user_request"]


def test_english_hardship_is_told_where_to_ask(processor: Any) -> None:
    t = say(processor, "My husband died and we have no money", sender="c3")
    assert responses(t) == ["utter_hardship"], [m.text for m in t.messages]
    assert "129" in t.messages[0].text



# s37 fresh-user probe: emergencies got a service page without 112, the out-of-scope reply or "어떤 점을 도와드릴까요?"
EMERGENCY = ["아이가 실종됐어요 도와주세요", "지금 아이를 잃어버렸어요 어떡해요", "남편이 자꾸 때려요 무서워요", "할머니가 쓰러지셨어요",
             "아버지가 숨을 안 쉬어요", "남자친구한테 맞고 있어요", "my husband beats me, I'm scared", "my son is missing",
             "my father collapsed",
             # s38 probe: a child not found with words between, a partner feared, being followed
             "애가 놀이터에서 안보여요 어떡해", "딸이 학교 끝나고 아직 집에 안왔어요 연락도 안돼요",
             "남편이 술만 마시면 무서워요 집에 가기 싫어요", "남친이 계속 따라와요 무서워요", "모르는 남자가 집까지 따라와요",
             "my daughter hasn't come home", "someone is following me", "I'm scared of my husband",
             # s39 probe: a child beaten, said with the object; an overdose taken (Korean and English)
             "아빠가 맨날 저 때려요 저 중학생이에요", "엄마가 저를 자꾸 때려요", "약을 한통 다 먹었어요", "수면제 왕창 먹었어요",
             "I took too many pills", "I swallowed a whole bottle of pills",
             # s40 probe: violence with words between or as what was suffered, a child beaten, being followed
             "남편이 술마시고 때려서 애들이랑 집 나왔어요 갈데가 없어요", "남편한테 맞았어요 어떡해요", "남편이 술만 마시면 때려요",
             "아빠한테 맞았어요", "I'm being followed by someone right now", "My dad hit me again",
             # s41 probe: a child bullied or beaten at school, a child heard being beaten (Korean and English)
             "우리 애가 학교에서 괴롭힘을 당하고 맞고 와요", "옆집 아이가 매일 맞는 소리가 들려요", "애가 학교에서 맞고 왔어요",
             "반 애들한테 맞았대요", "딸이 왕따를 당하고 있어요",
             "My son is being bullied at school and comes home with bruises", "I can hear a child being beaten next door",
             # s42 probe: an older person beaten by a grown child, a parent with dementia gone from home
             "아들이 제 돈을 다 가져가고 때려요 저는 여든이에요", "며느리가 자꾸 때려요", "치매 있는 아버지가 집을 나가서 안 들어와요",
             "어머니가 어제부터 없어지셨어요", "My dad with dementia wandered off this morning",
             "my mother hasn't come home since yesterday, she has dementia",
             # s43 probe: dementia and gone out said either way; someone living alone unseen, unanswering or maybe
             # collapsed (Korean and English)
             "할머니가 치매인데 집을 나가셨어요", "치매 있는 아버지가 나가서 안 보여요", "옆집 할머니가 며칠째 안 보여요 쓰러지신 것 같아요",
             "혼자 사는 아버지가 전화를 안 받으세요", "My neighbour lives alone and I haven't seen her for days",
             "My grandma lives alone and isn't answering her phone",
             # s54: long past but asking nothing: 182 searches for long-missing children too
             "작년에 잃어버린 아이를 아직 못 찾았어요", "My son went missing years ago and we still haven't found him",
             # a disappearance long past does not hide what else is told
             "I lost my job years ago and my husband beats me, is there help?",
             "3년 전에 실종된 아들 찾는 동안 남편이 때려요 도와주세요"]
NOT_EMERGENCY = ["실종아동 지원 서비스 알려줘", "가정폭력 피해자 지원 제도 있나요?", "아이 돌봄 서비스", "혼자살아요",
                 "I lost my job", "my son is 5 years old", "엄마가 병원에 입원하셨어요",
                 "아이가 밥을 안 먹어요", "아이가 어린이집에 안 가려고 해요", "약 먹을 때 주의할 점", "아이가 무서운 꿈을 꿨대요",
                 "아이 연락처를 바꾸고 싶어요", "강아지가 계속 따라와요", "my son came home late",
                 "약 다 먹었는데 더 받으려면 어떻게 해요", "감기약 먹었어요", "엄마가 저를 자꾸 칭찬해요", "I took my pills",
                 # 맞 is also "correct" and an injection taken
                 "예방접종 맞았어요", "엄마한테 물어보니까 맞대요", "아빠한테 주사 맞았어요", "선생님한테 칭찬 받았어요",
                 # s41: shots taken at school, "correct", crying heard, services about school violence
                 "예방접종 맞고 왔어요", "독감 주사 맞고 왔어요", "학교에서 주사 맞았어요", "학교에서 배운 게 맞아요?",
                 "친구한테 들은 게 맞아요?", "아이가 우는 소리에 잠을 못 자요", "학교폭력 예방 교육 신청", "Is bullying counselling free?",
                 # s42: a parent away or out, said with no sign of being lost; a service for dementia
                 "아버지가 집을 나가서 혼자 사세요 주거급여 받을 수 있나요", "어머니가 요양원에 계시는데 안 들어와도 되나요",
                 "아버지가 아직 퇴근해서 안 들어오셨는데 대신 신청해도 돼요?", "치매 어머니 돌봄 지원 있나요", "딸기 농사 지원",
                 "my mother hasn't come back to the office form yet",
                 # s43: out and back again, a phone not answered with no cue, services for dementia or living alone
                 "우리 엄마 치매인데 요양원 나가셨다가 다시 들어가려면", "아버지가 전화를 안 받으세요", "치매 검사 지원 있나요",
                 "혼자 사는 노인인데 지원 있나요", "할머니 치매 진단비 지원",
                 # s54: a disappearance long past, with a question of support (LONG_AGO_SUPPORT below)
                 "아이가 몇 년 전에 실종됐는데 가족 지원 있나요?", "My child went missing years ago, is there support for families?",
                 "작년에 아이를 잃어버렸는데 도움 받을 수 있는 제도 있어요?"]


@pytest.mark.parametrize("text", EMERGENCY)
def test_emergencies_are_read(text: str) -> None:
    assert expresses_emergency(text) and not expresses_crisis(text)


@pytest.mark.parametrize("text", NOT_EMERGENCY)
def test_services_about_emergencies_are_no_emergency(text: str) -> None:
    assert not expresses_emergency(text)


@pytest.mark.parametrize(("text", "lines"), [
    ("아이가 실종됐어요 도와주세요", ["112", "182"]),
    ("남편이 자꾸 때려요 무서워요", ["112", "1366"]),
    ("할머니가 쓰러지셨어요", ["119"]),
    ("my husband beats me, I'm scared", ["112", "1366"]),
    ("애가 놀이터에서 안보여요 어떡해", ["112", "182"]),
    ("남친이 계속 따라와요 무서워요", ["112", "1366"]),
    ("아빠가 맨날 저 때려요 저 중학생이에요", ["112", "1388"]),
    ("약을 한통 다 먹었어요", ["119", "109"]),  # s42 probe: "I took a whole bottle of pills" got no 109
    ("I took a whole bottle of pills", ["119", "109"]),
    ("남편이 술마시고 때려서 애들이랑 집 나왔어요 갈데가 없어요", ["112", "1366"]),
    ("아빠한테 맞았어요", ["112", "1388"]),
    ("우리 애가 학교에서 괴롭힘을 당하고 맞고 와요", ["112", "117"]),
    ("옆집 아이가 매일 맞는 소리가 들려요", ["112"]),
    ("My son is being bullied at school and comes home with bruises", ["112", "117"]),
    ("아들이 제 돈을 다 가져가고 때려요 저는 여든이에요", ["112", "1577-1389"]),
    ("치매 있는 아버지가 집을 나가서 안 들어와요", ["112", "182"]),
    ("My dad with dementia wandered off this morning", ["112", "182"]),
    ("할머니가 치매인데 집을 나가셨어요", ["112", "182"]),  # s43 probe: "어떤 점을 도와드릴까요?"
    ("옆집 할머니가 며칠째 안 보여요 쓰러지신 것 같아요", ["112", "119", "안부 확인"]),  # s43 probe: "찾지 못했어요"
    ("혼자 사는 아버지가 전화를 안 받으세요", ["112", "119", "안부 확인"]),  # s43 probe: a handoff and 110
    ("My neighbour lives alone and I haven't seen her for days", ["112", "119", "check on them"]),
    # self-harm done: hurt now, 119 first and 109 beside it (s43 probe: the crisis lines put 112/119 fourth)
    ("손목을 그었어요", ["119", "109"]),
    ("I cut my wrist", ["119", "109"]),
])
def test_an_emergency_gets_112_and_119_first(processor: Any, text: str, lines: list[str]) -> None:
    t = say(processor, text, sender="e1")
    assert responses(t) == ["utter_emergency"], [m.text for m in t.messages]
    assert all(n in t.messages[0].text for n in lines) and "112" in t.messages[0].text.splitlines()[0]  # said first
    assert [b["payload"] for b in t.messages[0].buttons] == ["/human_handoff"]


def test_the_person_taken_after_the_lines_keeps_them_open(processor: Any) -> None:
    """s37 probe: "네" after the crisis lines was told to call 110 while waiting."""
    say(processor, "죽고 싶어요", sender="e2")
    t = say(processor, "네", sender="e2")
    assert responses(t)[0] == "utter_handoff_crisis" and "109" in t.messages[0].text and "110" not in t.messages[0].text
    assert handoff_reasons(processor, "e2") == ["crisis"]


@pytest.mark.parametrize(("first", "response", "number"), [
    ("돈이 없어서 사흘째 굶었어요", "utter_hardship", "129"),
    ("죽고 싶어요", "utter_crisis", "109"),
    ("할머니가 치매인데 집을 나가셨어요", "utter_emergency", "182"),
])
def test_asking_where_to_call_after_the_lines_gets_them_again(processor: Any, first: str, response: str, number: str) -> None:
    """s43 probe: "어디로 연락하면 돼요?" after 129 for "사흘째 굶었어요" got a handoff that named only 110."""
    say(processor, first, sender="e-where")
    t = say(processor, "어디로 연락하면 돼요?", sender="e-where")
    assert responses(t) == [response], [m.text for m in t.messages]
    assert number in t.messages[0].text


@pytest.mark.parametrize(("first", "then", "response", "number"), [
    ("애가 놀이터에서 안보여요", "어떡해요", "utter_emergency", "182"),
    ("돈이 없어서 사흘째 굶었어요", "어디로 가면 돼요", "utter_hardship", "129"),
    ("죽고 싶어요", "어떻게 해야 돼요?", "utter_crisis", "109"),
    ("My child is missing, I can't find him anywhere", "what should I do?", "utter_emergency", "112"),
])
def test_asking_what_to_do_after_the_lines_gets_them_again(processor: Any, first: str, then: str, response: str,
                                                           number: str) -> None:
    """s45 probe: "어떡해요" after the missing-child reply (112, 182) was "그 질문은 여기서 답해 드리기 어려워요", and
    "어디로 가면 돼요" after the hunger reply (129) was no better."""
    sender = f"e-now-{len(then)}"
    first_turn = say(processor, first, sender=sender)
    assert responses(first_turn) == [response], [m.text for m in first_turn.messages]
    t = say(processor, then, sender=sender)
    assert responses(t) == [response], [m.text for m in t.messages]
    assert number in t.messages[0].text


@pytest.mark.parametrize("text", ["어떡해요", "어떻게 해야 돼요?", "도와주세요", "what should I do?", "help me please"])
def test_what_now_is_read(text: str) -> None:
    from assistant.dialogue.crisis import _ASKS_WHAT_NOW

    assert _ASKS_WHAT_NOW.search(text)


@pytest.mark.parametrize("text", ["에너지바우처 어떻게 신청해요?", "어떻게 해야 에너지바우처를 받을 수 있나요 신청 방법 알려주세요",
                                  "what should I do to apply for the energy voucher?"])
def test_a_question_about_a_service_is_no_what_now(text: str) -> None:
    from assistant.dialogue.crisis import _ASKS_WHAT_NOW

    assert not _ASKS_WHAT_NOW.search(text)


@pytest.mark.parametrize("text", ["아이가 몇 년 전에 실종됐는데 가족 지원 있나요?",
                                  "My child went missing years ago, is there support for families?"])
def test_a_disappearance_long_past_is_answered_with_the_support_for_families(processor: Any, text: str) -> None:
    """s54 probe: both got the emergency lines alone (112 now), never the page on support for the families of children
    missing for long; the English one, once not an emergency, abstained ("went missing" was no glossary phrase)."""
    doc_id, body = page("실종아동 보호 및 지원")
    assert "실종아동, 실종된 지적·자폐성·정신장애인과 그 가족" in body
    t = say(processor, text, sender=f"long-ago-{text[:8]}")
    assert "utter_emergency" not in responses(t), [m.text for m in t.messages]
    assert first_cited(t) == doc_id, [m.text for m in t.messages]
