"""Who may do what: for each role, the scope it has on each kind of data (core.access) and action.

The table is registered with core (``core.registry``) when the app starts; ``core.permissions`` applies it to
every read and write. "Region" is the user's region and everything below it; "chains" the chains the user
works on; "enterprises" those it speaks for or serves (``accounts.scope``). A missing entry means: nothing.
"""
from chainchief.accounts.roles import Role
from chainchief.core.access import AGGREGATE, AUDIT, CHAIN, ENTERPRISE, REFERENCE, REPORT, WORK
from chainchief.core.permissions import (ACTIONS, ADD, ALL, CHAINS, CHANGE, DELETE, ENTERPRISES, NAMED, OWN_REGION,
                                         REGION, VIEW)

_EVERY = {VIEW: REGION, ADD: REGION, CHANGE: REGION, DELETE: REGION}
_STAFF = {VIEW: CHAINS, ADD: CHAINS, CHANGE: CHAINS, DELETE: CHAINS}
# A province's office reads every city of its province and writes only the province's own rows (its chains,
# tiers, targets, briefings): each city's office keeps its city.
_PROVINCIAL = {VIEW: REGION, ADD: OWN_REGION, CHANGE: OWN_REGION, DELETE: OWN_REGION}

# The work ledger (WORK) is a chain's, read and written as its chain (CHAIN) by every role but the enterprise user,
# which reads only the rows that name its own enterprise (NAMED).
RULES = {
    Role.ADMIN: {kind: {a: ALL for a in ACTIONS}
                 for kind in (REFERENCE, CHAIN, WORK, ENTERPRISE, AGGREGATE, REPORT, AUDIT)},
    Role.COORDINATOR: {REFERENCE: _EVERY, CHAIN: _EVERY, WORK: _EVERY, ENTERPRISE: _EVERY, AGGREGATE: _EVERY,
                        REPORT: _EVERY, AUDIT: {VIEW: REGION}},
    Role.PROVINCE: {REFERENCE: _PROVINCIAL, CHAIN: _PROVINCIAL, WORK: _PROVINCIAL, ENTERPRISE: {VIEW: REGION},
                    AGGREGATE: _PROVINCIAL, REPORT: _PROVINCIAL, AUDIT: {VIEW: OWN_REGION}},
    Role.LEADER: {REFERENCE: {VIEW: REGION}, CHAIN: {VIEW: REGION}, WORK: {VIEW: REGION}, ENTERPRISE: {VIEW: REGION},
                  AGGREGATE: {VIEW: REGION}, REPORT: {VIEW: REGION}},
    Role.CHIEF: {REFERENCE: {VIEW: REGION}, CHAIN: {**_STAFF, VIEW: REGION}, WORK: {**_STAFF, VIEW: REGION},
                 ENTERPRISE: _STAFF, AGGREGATE: {VIEW: REGION}, REPORT: _STAFF},
    Role.DEPT: {REFERENCE: {VIEW: REGION}, CHAIN: {**_STAFF, VIEW: REGION}, WORK: {**_STAFF, VIEW: REGION},
                ENTERPRISE: _STAFF, AGGREGATE: {VIEW: REGION}, REPORT: _STAFF},
    Role.COMMISSIONER: {REFERENCE: {VIEW: REGION}, CHAIN: {VIEW: REGION}, WORK: {VIEW: REGION},
                        ENTERPRISE: {VIEW: ENTERPRISES}, AGGREGATE: {VIEW: REGION}},
    Role.ENTERPRISE: {REFERENCE: {VIEW: REGION}, CHAIN: {VIEW: ENTERPRISES}, WORK: {VIEW: NAMED},
                      ENTERPRISE: {VIEW: ENTERPRISES}},
}
# Self-service rows (access.self_service): the roles that act on them for their own enterprises.
SELF_SERVICE = {Role.ENTERPRISE: ENTERPRISES}
# Serving roles (access.service): a commissioner records visits to, and files requests for, its enterprises.
SERVICE_ROLES = {Role.COMMISSIONER: ENTERPRISES}
# The roles that act for their whole region: they add and delete region-managed rows (chains, tiers …).
REGION_WIDE_ROLES = {Role.ADMIN, Role.COORDINATOR, Role.PROVINCE}
# The roles that see and act on the rows their department handles (access.department): a department's staff
# on the enterprise requests assigned to it, in whichever chain.
DEPARTMENT_ROLES = {Role.DEPT}
