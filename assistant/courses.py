"""The bilingual training catalogue (assistant/data/courses.yaml): courses, skills and the KPI -> skill map."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import CatalogueError

COURSES_PATH = Path(__file__).resolve().parent / "data" / "courses.yaml"
CourseFormat = Literal["online", "workshop", "coaching", "self_study", "on_the_job"]
FORMAT_NAMES: dict[str, tuple[str, str]] = {
    "online": ("线上课程", "online course"),
    "workshop": ("工作坊", "workshop"),
    "coaching": ("辅导", "coaching"),
    "self_study": ("自学", "self-study"),
    "on_the_job": ("在岗实训", "on-the-job training"),
}


class Skill(BaseModel):
    """A skill a course builds, with the next-step phrase reports use for it."""

    model_config = ConfigDict(frozen=True)
    zh: str
    en: str
    action_zh: str
    action_en: str

    def name(self, lang: str) -> str:
        """Skill name in `lang`."""
        return self.zh if lang == "zh" else self.en

    def action(self, lang: str) -> str:
        """Next-step phrase in `lang`."""
        return self.action_zh if lang == "zh" else self.action_en


class Course(BaseModel):
    """One course of the catalogue (the pure twin of the `course` table row)."""

    model_config = ConfigDict(frozen=True)
    code: str = Field(min_length=1, max_length=40)
    title_zh: str
    title_en: str
    skills: tuple[str, ...]
    kpi_codes: tuple[str, ...]
    departments: tuple[str, ...] = ()
    duration_hours: float = Field(gt=0, le=1000)
    format: CourseFormat
    active: bool = True

    def title(self, lang: str) -> str:
        """Course title in `lang`."""
        return self.title_zh if lang == "zh" else self.title_en

    def open_to(self, department: str) -> bool:
        """Whether people of `department` may take the course (no list = everyone)."""
        return not self.departments or department in self.departments


class TrainingCatalogue(BaseModel):
    """Skills, the KPI -> skills map, role skills and the courses."""

    model_config = ConfigDict(frozen=True)
    skills: dict[str, Skill]
    kpi_skills: dict[str, tuple[str, ...]]
    role_skills: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    courses: tuple[Course, ...]

    def with_courses(self, courses: list[Course]) -> TrainingCatalogue:
        """The same skill maps with another course list (e.g. the live, HR-edited table)."""
        return self.model_copy(update={"courses": tuple(courses)})

    def skill_name(self, code: str, lang: str) -> str:
        """A skill's name, or its code when HR used a skill the map does not know."""
        skill = self.skills.get(code)
        return skill.name(lang) if skill else code


def _check(cat: TrainingCatalogue) -> None:
    known = set(cat.skills)
    problems = [
        f"kpi_skills.{k}: unknown skill(s) {sorted(set(v) - known)}"
        for k, v in cat.kpi_skills.items()
        if not set(v) <= known
    ]
    problems += [
        f"role_skills.{k}: unknown skill(s) {sorted(set(v) - known)}"
        for k, v in cat.role_skills.items()
        if not set(v) <= known
    ]
    problems += [
        f"course {c.code}: unknown skill(s) {sorted(set(c.skills) - known)}"
        for c in cat.courses
        if not set(c.skills) <= known
    ]
    codes = [c.code for c in cat.courses]
    if len(codes) != len(set(codes)):
        problems.append("duplicate course codes")
    if problems:
        raise CatalogueError("training catalogue is inconsistent: " + "; ".join(problems))


@lru_cache(maxsize=4)
def load_training_catalogue(path: Path | None = None) -> TrainingCatalogue:
    """Load and validate the course catalogue YAML (cached)."""
    path = path or COURSES_PATH
    try:
        cat = TrainingCatalogue.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise CatalogueError(f"cannot load the training catalogue {path}: {exc}") from exc
    _check(cat)
    return cat
