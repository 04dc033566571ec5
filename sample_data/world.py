"""Simulating the whole local area once: every partner's records come from this."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from sample_data import (calibration, community_health, eapdr, early_years, ehcp, flags, geography,
                         population, post16, primary_care, schools)
from sample_data.codes import NEEDS
from sample_data.sampling import NAT, day, stream


@dataclass
class World:
    as_at: date
    seed: int
    cal: dict
    geo: geography.Geography
    people: population.People
    practices: primary_care.Practices
    registrations: primary_care.Registrations
    registers: primary_care.ClinicalRegisters
    requests: ehcp.Requests
    plans: ehcp.Plans
    placement_urn: np.ndarray
    census: schools.Census
    schools: schools.Schools
    eapdr: eapdr.EapdrRequests
    claims: early_years.Claims
    activity: post16.Activity
    slt: community_health.SltReferrals
    camhs: community_health.CamhsReferrals
    flags: flags.Flags
    markers: flags.Markers
    known_to_send: np.ndarray     # per person: known to the council's SEND services

    def rng(self, name: str) -> np.random.Generator:
        return stream(self.seed, name)


def simulate(as_at: date, scale: float, seed: int, months: Sequence[date] = ()) -> World:
    """Draw the population and every service's records for the as-at date; given the month
    ends of a history (oldest first, ending at `as_at`), the EHC and trust records cover it."""
    cal = calibration.load()
    geo = geography.load(stream(seed, "geography"), cal["population"]["stoke_deprivation_shift"])
    people = population.draw(stream(seed, "population"), geo, as_at, scale, cal)
    practices = primary_care.practices(stream(seed, "practices"), geo, cal)
    registrations = primary_care.register(stream(seed, "registrations"), geo, people, practices, as_at, cal)
    requests, plans = ehcp.generate(stream(seed, "ehcp"), geo, people, as_at, scale, cal, months)
    health_from = community_health.window_start(months[0], cal) if months else None
    return records(as_at, scale, seed, cal, geo, people, practices, registrations, requests, plans,
                   health_from=health_from)


def records(as_at: date, scale: float, seed: int, cal: dict, geo: geography.Geography,
            people: population.People, practices: primary_care.Practices,
            registrations: primary_care.Registrations, requests: ehcp.Requests, plans: ehcp.Plans,
            referrals: tuple[community_health.SltReferrals, community_health.CamhsReferrals] | None = None,
            county_schools: schools.Schools | None = None, health_from: np.datetime64 | None = None) -> World:
    """The world on `as_at` from its people and EHC records: the other services' records
    drawn from them, the trust referrals and schools given or drawn (referrals since
    `health_from` if given)."""
    def rng(name: str) -> np.random.Generator:
        return stream(seed, name)

    census, county_schools = schools.generate(rng("census"), geo, people, plans, requests, as_at, scale, cal,
                                              county_schools)
    people.has_upn[census.person] = True
    placement_urn = schools.placement_urns(rng("placements"), geo, people, plans, census, county_schools)
    hub_requests = eapdr.generate(rng("eapdr"), people, census, county_schools, as_at, scale, cal)
    claims = early_years.generate(rng("early_years"), geo, people, plans, as_at, scale, cal)
    activity = post16.generate(rng("post16"), geo, people, plans, census, as_at, cal)

    status = _send_status(people, plans, census, as_at)
    registers = primary_care.clinical_registers(rng("registers"), people, status, as_at, cal)
    practice_sub_icb = np.where(registrations.practice >= 0,
                                practices.sub_icb[np.maximum(registrations.practice, 0)], -1)
    send = (status["plan"] >= 0) | status["sen_support"]
    if referrals is None:
        slcn = status["need"] == NEEDS.index("SLCN")
        slt = community_health.slt(rng("slt"), geo, people, practice_sub_icb, slcn, as_at, scale, cal, health_from)
        camhs = community_health.camhs(rng("camhs"), people, practice_sub_icb, send, as_at, scale, cal,
                                       health_from)
    else:
        slt, camhs = referrals

    status["ld"], status["autism"] = registers.learning_disability, registers.autism
    status["camhs"] = np.zeros(len(people), dtype=bool)
    status["camhs"][camhs.person] = True
    ra_flags = flags.reasonable_adjustments(rng("ra_flags"), practice_sub_icb, people.dob, status, as_at, cal)
    markers = flags.epr_markers(rng("epr_markers"), practice_sub_icb, people.dob, status, as_at, cal)

    known = np.zeros(len(people), dtype=bool)
    for person in (plans.person, requests.person, hub_requests.person, claims.person[claims.send_marker]):
        known[person] = True
    return World(as_at, seed, cal, geo, people, practices, registrations, registers, requests, plans,
                 placement_urn, census, county_schools, hub_requests, claims, activity, slt, camhs,
                 ra_flags, markers, known)


def _send_status(people: population.People, plans: ehcp.Plans, census: schools.Census,
                 as_at: date) -> dict[str, np.ndarray]:
    """Per-person SEND facts the health records depend on."""
    n = len(people)
    status = {key: np.full(n, -1) for key in ("plan", "plan_secondary", "sen_support_need")}
    status["plan"][plans.person] = plans.primary
    status["plan_secondary"][plans.person] = plans.secondary
    support = census.sen == schools.K
    status["sen_support_need"][census.person[support]] = census.need[support]
    status["sen_support"] = status["sen_support_need"] >= 0
    active = plans.active_on(day(as_at))
    status["ehcp"] = np.zeros(n, dtype=bool)
    status["ehcp"][plans.person[active]] = True
    status["plan_start"] = np.full(n, NAT)
    status["plan_start"][plans.person[active]] = plans.start[active]
    status["need"] = np.where(status["plan"] >= 0, status["plan"], status["sen_support_need"])
    return status
