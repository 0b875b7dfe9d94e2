"""Surveys (shared definitions) and their responses (per account): schemas and resources."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, FilterLookup, Schema

from retain.api.accounts import EXTERNAL_ID_HELP, ExternalId
from retain.api.crud import Resource
from retain.api.fields import SMALLINT_MAX, Body, DateTime, Filters, Id, Int64, SmallCount
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


class SurveyIn(Body):
    """A new survey; NPS must use the 0-10 scale (the database checks it)."""

    kind: SurveyKind
    name: str = Field(..., min_length=1, max_length=200)
    question: str = Field(..., min_length=1)
    scale_min: SmallCount
    scale_max: Annotated[int, Field(ge=1, le=SMALLINT_MAX)]
    aggregation: Aggregation
    external_id: ExternalId | None = Field(None, description=EXTERNAL_ID_HELP)
    direction: ScoreDirection = ScoreDirection.HIGHER_BETTER
    positive_threshold: SmallCount | None = None


class SurveyFilter(Filters):
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


class SurveyResponseIn(Body):
    """A new answer; its score must lie within the survey's scale (the database checks it)."""

    survey_id: Id
    account_id: Id
    score: Annotated[int, Field(ge=0, le=100, description="0-100, within the survey's scale.")]
    answered_at: DateTime
    external_id: ExternalId | None = Field(None, description=EXTERNAL_ID_HELP)
    contact_id: Id | None = None
    invitation_id: Id | None = None
    comment: str = ""
    channel: str = Field("email", max_length=30)


class SurveyResponseFilter(Filters):
    """Survey response list filters."""

    survey_id: Id | None = None
    account_id: Id | None = None
    contact_id: Id | None = None
    kind: Annotated[SurveyKind | None, FilterLookup("survey__kind")] = None
    score_min: Annotated[Int64 | None, FilterLookup("score__gte")] = None
    score_max: Annotated[Int64 | None, FilterLookup("score__lte")] = None
    answered_from: Annotated[DateTime | None, FilterLookup("answered_at__gte")] = None
    answered_to: Annotated[DateTime | None, FilterLookup("answered_at__lte")] = None


SURVEY_RESPONSES = Resource(
    name="survey_responses",
    model=SurveyResponse,
    out=SurveyResponseOut,
    create=SurveyResponseIn,
    filters=SurveyResponseFilter,
    order_fields=("answered_at", "score", "id"),
    title="Survey responses",
)
