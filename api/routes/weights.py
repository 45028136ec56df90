"""Routes of the weights feature (being built)."""

from fastapi import APIRouter

from api.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES)
