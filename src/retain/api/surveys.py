"""Surveys (shared definitions) and their responses (per account): schemas and resources."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, FilterLookup, FilterSchema, Schema

from retain.api.accounts import EXTERNAL_ID_HELP, ExternalId
from retain.api.crud import Resource
from retain.app.models import Aggregation, ScoreDirection, Survey, SurveyKind, SurveyResponse


class SurveyOut(Schema):
    """A survey definition (NPS, CSAT, CES) with its scale and how answers aggregate."""

    id: int
    external_id: str
    kind: SurveyKind
    name: str
    question: str
    scale_min: int
    scale_max: int
    direction: ScoreDirection
    aggregation: Aggregation
    positive_threshold: int | None


class SurveyIn(Schema):
    """A new survey; NPS must use the 0-10 scale (the database checks it)."""

    kind: SurveyKind
    name: str = Field(..., min_length=1, max_length=200)
    question: str = Field(..., min_length=1)
    scale_min: int = Field(..., ge=0)
    scale_max: int
    aggregation: Aggregation
    external_id: ExternalId | None = Field(None, description=EXTERNAL_ID_HELP)
    direction: ScoreDirection = ScoreDirection.HIGHER_BETTER
    positive_threshold: int | None = None


class SurveyFilter(FilterSchema):
    """Survey list filters."""

    kind: SurveyKind | None = None
    q: Annotated[str | None, FilterLookup("name__icontains")] = None


SURVEYS = Resource(
    name="surveys",
    model=Survey,
    out=SurveyOut,
    create=SurveyIn,
    filters=SurveyFilter,
    order_fields=("name", "kind", "id"),
)


class SurveyResponseOut(Schema):
    """One answer to a survey."""

    id: int
    external_id: str
    survey_id: int
    account_id: int
    contact_id: int | None
    invitation_id: int | None
    score: int
    comment: str
    answered_at: dt.datetime
    channel: str


class SurveyResponseIn(Schema):
    """A new answer; its score must lie within the survey's scale (the database checks it)."""

    survey_id: int
    account_id: int
    score: int
    answered_at: dt.datetime
    external_id: ExternalId | None = Field(None, description=EXTERNAL_ID_HELP)
    contact_id: int | None = None
    invitation_id: int | None = None
    comment: str = ""
    channel: str = Field("email", max_length=30)


class SurveyResponseFilter(FilterSchema):
    """Survey response list filters."""

    survey_id: int | None = None
    account_id: int | None = None
    contact_id: int | None = None
    kind: Annotated[SurveyKind | None, FilterLookup("survey__kind")] = None
    score_min: Annotated[int | None, FilterLookup("score__gte")] = None
    score_max: Annotated[int | None, FilterLookup("score__lte")] = None
    answered_from: Annotated[dt.datetime | None, FilterLookup("answered_at__gte")] = None
    answered_to: Annotated[dt.datetime | None, FilterLookup("answered_at__lte")] = None


SURVEY_RESPONSES = Resource(
    name="survey_responses",
    model=SurveyResponse,
    out=SurveyResponseOut,
    create=SurveyResponseIn,
    filters=SurveyResponseFilter,
    order_fields=("answered_at", "score", "id"),
    title="Survey responses",
)
