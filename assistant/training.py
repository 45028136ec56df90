"""Training recommendations: weak KPIs -> skills -> catalogue courses, each with a reason from the numbers.

Only courses of the given catalogue are ever returned. Order of need: KPIs with a current early warning,
then KPIs below target (most points lost first); then the role's own skills (designers -> AI design
tools) when no chosen course covers them yet. A course is chosen for a KPI when it names the KPI or
builds one of its skills; direct matches win, then more shared skills, then the shorter course.
"""

from __future__ import annotations

from pydantic import BaseModel

from assistant.courses import FORMAT_NAMES, Course, TrainingCatalogue
from assistant.report_facts import KpiFact, PersonFacts
from assistant.report_texts import value_text

MAX_COURSES = 3


class Recommendation(BaseModel):
    """One recommended catalogue course and why."""

    code: str
    title: str
    format: str
    duration_hours: float
    skills: list[str]
    kpi_code: str
    reason: str


def _rank(course: Course, code: str, skills: tuple[str, ...]) -> tuple[int, int, int, float, str]:
    shared = [s for s in course.skills if s in skills]
    first = int(bool(skills) and skills[0] in course.skills)
    return (-int(code in course.kpi_codes), -first, -len(shared), course.duration_hours, course.code)


def courses_for(catalogue: TrainingCatalogue, department: str, code: str, skills: tuple[str, ...]) -> list[Course]:
    """Active catalogue courses open to `department` that address KPI `code` or one of `skills`, best first."""
    found = [
        c
        for c in catalogue.courses
        if c.active and c.open_to(department) and (code in c.kpi_codes or set(skills) & set(c.skills))
    ]
    return sorted(found, key=lambda c: _rank(c, code, skills))


def _kpi_reason(k: KpiFact, skills: list[str], lang: str, warned_days: int | None) -> str:
    actual, target = value_text(k.actual, k.unit, lang), value_text(k.target, k.unit, lang)
    pct = value_text(k.achievement_pct, "", lang) if k.achievement_pct is not None else None
    if lang == "zh":
        what = (
            f"{k.name_zh}已连续 {warned_days} 天偏离预期区间"
            if warned_days
            else f"{k.name_zh}达成 {pct}%（实际 {actual}，目标 {target}）"
        )
        return f"{what}；本课程提升{'、'.join(skills)}。"
    what = (
        f"{k.name_en} has been outside its expected range for {warned_days} consecutive days"
        if warned_days
        else f"{k.name_en} reached {pct}% of target ({actual} against {target})"
    )
    return f"{what}; this course builds {', '.join(skills)}."


def _role_reason(k: KpiFact | None, skills: list[str], department: str, lang: str) -> str:
    role_zh, role_en = ("设计岗位", "designers") if department == "design" else ("本岗位", "your role")
    if lang == "zh":
        base = f"{role_zh}的重点技能：{'、'.join(skills)}"
        tail = f"；目前{k.name_zh}达成 {value_text(k.achievement_pct, '', lang)}%" if k and k.achievement_pct else ""
        return base + tail + "。"
    base = f"A key skill for {role_en}: {', '.join(skills)}"
    tail = (
        f"; your {k.name_en} is at {value_text(k.achievement_pct, '', lang)}% of target"
        if k and k.achievement_pct
        else ""
    )
    return base + tail + "."


def _make(course: Course, kpi_code: str, reason: str, lang: str) -> Recommendation:
    fmt = FORMAT_NAMES.get(course.format, (course.format, course.format))[0 if lang == "zh" else 1]
    return Recommendation(
        code=course.code,
        title=course.title(lang),
        format=fmt,
        duration_hours=course.duration_hours,
        skills=list(course.skills),
        kpi_code=kpi_code,
        reason=reason,
    )


def recommend_training(
    facts: PersonFacts,
    catalogue: TrainingCatalogue,
    lang: str,
    *,
    limit: int = MAX_COURSES,
) -> list[Recommendation]:
    """Up to `limit` catalogue courses for the person's weakest KPIs, plus one for the role's key skill."""
    warned = {w.code: w.days for w in facts.warnings}
    needs: list[tuple[KpiFact, int | None]] = []
    for code, days in warned.items():
        match = [k for k in facts.kpis if k.code == code]
        if match:
            needs.append((match[0], days))
    needs += [(k, None) for k in facts.weak() if k.code not in warned]
    out: list[Recommendation] = []
    chosen: set[str] = set()
    for k, warned_days in needs:
        if len(out) >= limit:
            break
        skills = tuple(catalogue.kpi_skills.get(k.code, ()))
        course = next(
            (c for c in courses_for(catalogue, facts.department, k.code, skills) if c.code not in chosen), None
        )
        if course is None:
            continue
        names = [catalogue.skill_name(s, lang) for s in course.skills]
        out.append(_make(course, k.code, _kpi_reason(k, names, lang, warned_days), lang))
        chosen.add(course.code)
    return out + _role_courses(facts, catalogue, lang, chosen)


def _role_courses(
    facts: PersonFacts, catalogue: TrainingCatalogue, lang: str, chosen: set[str]
) -> list[Recommendation]:
    role = tuple(catalogue.role_skills.get(facts.department, ()))
    covered = {s for c in catalogue.courses if c.code in chosen for s in c.skills}
    if not role or set(role) <= covered:
        return []
    course = next(
        (
            c
            for c in catalogue.courses
            if c.active and c.open_to(facts.department) and c.code not in chosen and set(role) & set(c.skills)
        ),
        None,
    )
    if course is None:
        return []
    anchor = next((k for k in facts.kpis if set(catalogue.kpi_skills.get(k.code, ())) & set(role)), None)
    names = [catalogue.skill_name(s, lang) for s in role]
    return [_make(course, anchor.code if anchor else "", _role_reason(anchor, names, facts.department, lang), lang)]
