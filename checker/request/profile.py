"""A utilization review organisation's profile (`mtus-check draft --profile ORG.yaml`): what its letters say about
the organisation, its physician reviewers, the claims adjuster and who gets a copy. Read through the input gate,
validated like a request (unknown fields refused, errors name the file, the line and the field)."""
from typing import Literal, Optional

from pydantic import Field, ValidationError

from ..errors import InputError, from_validation
from . import gate
from .model import _example, _Model
from .positions import load_file

PROFILE = gate.Limits("profile", 256 << 10, max_items=200, is_input=True)


class Reviewer(_Model):
    """A physician reviewer; the first one listed signs the letter."""
    model_config = _example(name="Pat Reviewer, MD", specialty="Occupational Medicine", license="CA A00000",
                            phone="800-555-0101")
    name: str = Field(min_length=1)
    specialty: Optional[str] = None
    license: Optional[str] = None
    phone: Optional[str] = None


class Contact(_Model):
    model_config = _example(name="Sam Adjuster", phone="800-555-0102")
    name: Optional[str] = Field(None, min_length=1)
    phone: Optional[str] = None


class Profile(_Model):
    model_config = _example(name="Example Utilization Review, Inc.", address="1 Example Plaza, Sacramento, CA",
                            phone="800-555-0100", reviewers=[{"name": "Pat Reviewer, MD"}])
    name: Optional[str] = Field(None, min_length=1)
    address: Optional[str] = None
    phone: Optional[str] = None
    letterhead: Optional[str] = None  # one line under the name (a tagline, URAC number, fax...)
    reviewers: list[Reviewer] = []
    telephone_hours: Optional[str] = None  # when the reviewer can be reached to discuss the decision
    claims_adjuster: Contact = Contact()
    internal_appeal: Optional[str] = None  # the internal appeal process, if the organisation has one
    copy_to: list[str] = []
    # An item not certified only for information the records lack: not certified (the default), or its decision
    # delayed and the information asked for, up to 14 days from the receipt of the RFA (8 CCR 9792.9.1(f)).
    missing_information: Literal["not_certify", "delay"] = "not_certify"


def parse_profile(data, file="<profile>", positions=None):
    """Validate a parsed profile mapping."""
    if not isinstance(data, dict):
        raise InputError(file, "a profile must be a mapping of fields")
    gate.check_tree(data, file, PROFILE, positions)
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise from_validation(file, exc, positions, Profile) from None


def load_profile(path):
    """Load and validate a profile file (YAML or JSON)."""
    data, positions = load_file(path, PROFILE)
    return parse_profile(data, path, positions)
