"""English names of the documents a 구비서류 checklist asks for, from one table.

The catalogue writes its checklists in Korean only. An English reply names in English the documents whose kind is
recognised here (:data:`DOCUMENT_NAMES`: the certificates issued by 정부24 and other offices, ID, the bank book,
application and consent forms, the MyData-suppliable records with the names the MyData connector gives them in
:data:`connectors.mydata.scopes.SCOPES`); any other document keeps the catalogue's Korean name, marked
:data:`IN_KOREAN`, so that the citizen knows it is not an English word left out (task s9-fix item 2, fresh-user s8).

Own code, not a library: no library holds English names of Korean administrative documents. The English names follow
the ones 정부24 (Gov24) uses on its English pages and the Ministry of the Interior and Safety's English names of
certificates (e.g. "resident registration certificate", "family relationship certificate").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from connectors.mydata.scopes import SCOPES

#: What an English reply adds after a document name it cannot give in English.
IN_KOREAN = "(in Korean)"

#: (kind, pattern over the name with spaces and middle dots removed, English name). The pattern must match the whole
#: name, after a leading word for the applicant (신청인/신청자/본인: whose it is goes without saying) and a trailing 사본 ("copy of …") or 지참 are
#: set aside; the first matching row names it. Kinds: ``mydata`` (a record Public MyData supplies: the MyData
#: connector's own English name), ``certificate``, ``id``, ``bank_book``, ``form`` (application, consent, proxy),
#: ``medical``, ``contract``.
DOCUMENT_NAMES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    # the records Public MyData supplies (connectors.tasks.checklist.MYDATA_DOCUMENTS), named as the MyData connector
    # names them; written out whole here (that table finds them inside longer names, this one names whole ones)
    ("mydata", re.compile(r"주민등록(?:표)?(?:등본|등[.,]?초본|등\(초\)본)|등본"), SCOPES["resident_registration"].document_en),
    ("mydata", re.compile(r"건강보험(?:료)?자격득실확인서"), SCOPES["health_insurance"].document_en),
    ("mydata", re.compile(r"소득금액증명(?:원|서)?"), SCOPES["income"].document_en),
    ("mydata", re.compile(r"(?:국민)?(?:기초(?:생활)?(?:보장)?)?수급(?:권)?자(?:격)?증[명면]서"),
     SCOPES["recipient_certificate"].document_en),
    ("mydata", re.compile(r"차상위(?:계층)?(?:대상)?(?:확인서|증명서)"), SCOPES["near_poverty_certificate"].document_en),
    ("certificate", re.compile(r"주민등록(?:표)?초본|초본"), "resident registration abstract"),
    ("certificate", re.compile(r"원천징수영수증"), "withholding tax receipt"),
    ("certificate", re.compile(r"가족관계(?:증명서|등록부)"), "family relationship certificate"),
    ("certificate", re.compile(r"혼인관계증명서"), "marriage relationship certificate"),
    ("certificate", re.compile(r"기본증명서"), "basic certificate (civil status)"),
    ("certificate", re.compile(r"입양관계증명서"), "adoption relationship certificate"),
    ("certificate", re.compile(r"재학증명서"), "certificate of enrolment"),
    ("certificate", re.compile(r"졸업(?:예정)?증명서"), "certificate of graduation"),
    ("certificate", re.compile(r"(?:직전학기)?성적증명서"), "academic transcript"),
    ("certificate", re.compile(r"재직증명서"), "certificate of employment"),
    ("certificate", re.compile(r"경력증명서"), "career certificate"),
    ("certificate", re.compile(r"장애인증명서"), "disability certificate"),
    ("certificate", re.compile(r"장애인등록증|장애인복지카드"), "disability registration card"),
    ("certificate", re.compile(r"(?:국가)?유공자증"), "national merit card"),
    ("certificate", re.compile(r"사업자등록(?:증|증명원|증명)"), "business registration certificate"),
    ("certificate", re.compile(r"건강보험료납부확인서"), "health insurance premium payment confirmation"),
    ("certificate", re.compile(r"(?:지방세)?납세증명서"), "tax payment certificate"),
    ("certificate", re.compile(r"출생증명서"), "birth certificate"),
    ("certificate", re.compile(r"사망진단서"), "death certificate"),
    ("certificate", re.compile(r"임신확인서"), "pregnancy confirmation"),
    ("certificate", re.compile(r"외국인등록증"), "alien registration card"),
    ("id", re.compile(r"신분증|주민등록증|운전면허증|여권"), "ID card"),
    ("bank_book", re.compile(r"(?:입금|본인명의)?통장"), "bank book"),
    ("form", re.compile(r"(?:지원|사업|참가|참여|보조금|급여|서비스)?신청서"), "application form"),
    ("form", re.compile(r"개인정보(?:수집(?:및)?이용|제공|수집(?:및)?이용(?:및)?제공)?(?:동의서)"), "personal information consent form"),
    ("form", re.compile(r"위임장"), "power of attorney"),
    ("form", re.compile(r"서약서"), "pledge"),
    ("form", re.compile(r"청구서"), "claim form"),
    ("medical", re.compile(r"진단서"), "medical certificate"),
    ("medical", re.compile(r"처방전"), "prescription"),
    ("medical", re.compile(r"진료비(?:영수증|계산서)|진료비(?:세부내역서)"), "medical bill receipt"),
    ("contract", re.compile(r"임대차계약서"), "lease contract"),
    ("contract", re.compile(r"근로계약서"), "employment contract"),
)

_APPLICANT = re.compile(r"^(?:신청인|신청자|본인)(?:의)?")
_COPY = re.compile(r"사본$")
_BRING = re.compile(r"지참$")


def english_document_name(name: str) -> str | None:
    """The English name of the document ``name`` (as the catalogue writes it), or ``None`` when no row of
    :data:`DOCUMENT_NAMES` names it whole (a name with more in it, "주민등록등본(가족 주소가 다른 경우 …)-3개월 이내
    발급분", is not given a shorter English name that would drop what it asks). A trailing 사본 gives "copy of …".

    Example:
        >>> english_document_name("통장 사본"), english_document_name("신분증"), english_document_name("경영체 등록증")
        ('copy of bank book', 'ID card', None)
    """
    compact = re.sub(r"[\s·ㆍ∙•]+", "", name)
    compact = _BRING.sub("", compact)
    copy = bool(_COPY.search(compact))
    compact = _APPLICANT.sub("", _COPY.sub("", compact))
    english = next((en for _kind, pattern, en in DOCUMENT_NAMES if pattern.fullmatch(compact)), None)
    if english is None:
        return None
    return f"copy of {english}" if copy else english


def document_name(item: Mapping[str, Any], language: str) -> str:
    """A checklist item's name as a reply in ``language`` writes it: the catalogue's name in Korean; in English the
    English name, "A or B" for alternatives whose names are all known, else the Korean name followed by
    :data:`IN_KOREAN`.

    Args:
        item: a checklist item (``name``, optional ``alternatives``,
            :meth:`connectors.tasks.checklist.RequiredDocument.to_json`).
        language: ``"en"`` or anything else (Korean).
    """
    name = str(item.get("name", ""))
    if language != "en" or not re.search(r"[가-힣]", name):
        return name
    alternatives = [str(a) for a in item.get("alternatives") or ()]
    if len(alternatives) > 1:
        names = [english_document_name(a) for a in alternatives]
        if all(names):
            return " or ".join(str(n) for n in names)
    english = english_document_name(name)
    return english if english is not None else f"{name} {IN_KOREAN}"


__all__ = ["DOCUMENT_NAMES", "IN_KOREAN", "document_name", "english_document_name"]
