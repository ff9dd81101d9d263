// Package access holds who may do what in hrss: users and their roles,
// division scopes, passwords (argon2id) with lockout, server-side sessions,
// API tokens for other systems, the Caller that every domain service reads
// from its context, and the append-only, hash-chained audit trail.
//
// It knows nothing of HTTP or SQL: store/ implements Store and AuditTx,
// web/ turns a request's credentials into a Caller with Authenticate, and
// the domain services (registry, and later insurance, employment, …) call
// Require and the scope helpers of Caller before touching data, and Record
// to write the audit trail inside their own transactions.
package access

import (
	"context"
	"slices"
	"strings"

	"hrss/rules/fault"
)

// Role is what a user does at the bureau; it decides which permissions
// the user has and how their scope is drawn.
type Role string

// The roles of users. RoleSystem is not a user's role: it is the operator
// at the command line (and the bureau's own batch jobs), see System.
const (
	Citizen       Role = "citizen"        // 参保人: sees only themselves
	EmployerAgent Role = "employer_agent" // 单位经办: one employer and its relations
	Caseworker    Role = "caseworker"     // 窗口经办: persons and employers of their divisions
	Reviewer      Role = "reviewer"       // 复核: reads their divisions, approves what pays money
	Analyst       Role = "analyst"        // 分析: aggregates only, no person-level data
	Administrator Role = "administrator"  // 管理员: users, roles, scopes, parameters; no personal data
	Auditor       Role = "auditor"        // 审计: the audit trail
	RoleSystem    Role = "system"         // the CLI operator and batch jobs; never a user's role
)

// Roles lists the roles a user may have, in display order.
var Roles = []Role{Citizen, EmployerAgent, Caseworker, Reviewer, Analyst, Administrator, Auditor}

// ParseRole reads a user's role. It fails with Invalid (field "role") for
// anything not in Roles, including "system".
func ParseRole(s string) (Role, error) {
	r := Role(strings.TrimSpace(s))
	if !slices.Contains(Roles, r) {
		names := make([]string, len(Roles))
		for i, x := range Roles {
			names[i] = string(x)
		}
		return "", fault.Invalidf("role", "role.known", "%q is not a role (%s)", s, strings.Join(names, ", "))
	}
	return r, nil
}

// Staff reports whether r is a role of the bureau's own staff (everyone
// but citizens and employer agents).
func (r Role) Staff() bool { return r != Citizen && r != EmployerAgent }

// scoped reports whether users of role r work within divisions.
func (r Role) scoped() bool { return r == Caseworker || r == Reviewer }

// CityWide is the division code (Jiaxing) that, given as a caseworker's or
// reviewer's division, scopes them to every county-level division.
const CityWide = "330400"

// Perm is one permission a domain service checks with Require.
type Perm int

// The permissions. Which role has which is the table perms; what a
// permission reaches (which persons, which employers) is the caller's
// scope, checked by the domain service with the Caller's helpers.
const (
	ReadPersons      Perm = iota + 1 // read persons' records
	WritePersons                     // register and correct persons
	ReadEmployers                    // read employers
	WriteEmployers                   // register and correct employers
	ReadEmployments                  // read employment relations
	WriteEmployments                 // enrol, separate, declare wages
	ReadFlexible                     // read flexible-worker enrolments
	WriteFlexible                    // enrol flexible workers
	ReadAggregates                   // indicators and other aggregates, no person-level data
	ManageUsers                      // users, roles, scopes, API tokens
	ReadAudit                        // the audit trail
	ApprovePayments                  // approve what pays money (claims, subsidies, corrections); see RequireApprover

	// The employment services' permissions.
	ReadSeekers     // job-seeker and unemployment registrations, recommendations, follow-up lists
	WriteSeekers    // register, update, deregister
	ReadVacancies   // vacancies and fairs (public information)
	WriteVacancies  // post and change vacancies, join fairs
	MatchPersonal   // personalised matching of a seeker or a vacancy
	RunBatch        // batch matching and fair allocation
	ReadPlacements  // placements and what they are attributed to
	RecordServices  // record the services of the "1131" package
	ManageFairs     // create job fairs and allocate their slots
	ManageCatalogue // import occupations and skills
	RunSync         // the city-wide reconciliation of registrations (System only)

	// Social insurance's permissions (ApprovePayments above approves claims).
	RunInsurance   // assessment runs, closes, collections, year closes, payment runs, check (city-wide scope)
	ReadBills      // bills and arrears
	ReadRecords    // a person's rights record, statement and claims
	OpenClaims     // open pension and unemployment claims
	CorrectPeriods // correct closed periods with adjustment rows

	// The support programmes' permissions (ApprovePayments above approves grant batches).
	ReadGrants    // programmes, grants found, batches, payments, loans (scoped: an employer's or a citizen's own)
	PrepareGrants // prepare grant batches, reject or revoke grants, record internships, payees and loans
	RunSupport    // scans, payment runs, bank returns, re-issues, check (city-wide scope)
	ApplyLoans    // apply for an entrepreneurship guaranteed loan (a citizen or an enterprise's agent, or a caseworker for them)

	// Insight's permission (the indicators themselves are ReadAggregates).
	SetTargets // set the year's targets of the indicators (leadership)

	// Personal data's permission (PIPL's minimum necessary): every list,
	// search and export shows resident IDs and phone numbers masked, for
	// every role; this one opens the whole numbers of one person's record,
	// or of an export, for a stated reason, audited.
	RevealIdentity // see a person's whole resident ID and phone number
)

var permNames = map[Perm]string{
	ReadPersons: "read persons", WritePersons: "write persons", ReadEmployers: "read employers",
	WriteEmployers: "write employers", ReadEmployments: "read employment relations",
	WriteEmployments: "write employment relations", ReadFlexible: "read flexible workers",
	WriteFlexible: "write flexible workers", ReadAggregates: "read aggregates",
	ManageUsers: "manage users", ReadAudit: "read the audit trail", ApprovePayments: "approve payments",
	ReadSeekers: "read job seekers", WriteSeekers: "write job seekers", ReadVacancies: "read vacancies",
	WriteVacancies: "write vacancies", MatchPersonal: "match", RunBatch: "run batch matching",
	ReadPlacements: "read placements", RecordServices: "record services", ManageFairs: "manage job fairs",
	ManageCatalogue: "manage the occupation catalogue", RunSync: "run the synchronisation",
	RunInsurance: "run social insurance's batch jobs", ReadBills: "read bills", ReadRecords: "read insurance records",
	OpenClaims: "open claims", CorrectPeriods: "correct closed periods",
	ReadGrants: "read support grants", PrepareGrants: "prepare support grants", RunSupport: "run the support programmes' batch jobs",
	ApplyLoans: "apply for a guaranteed loan", SetTargets: "set the indicators' targets",
	RevealIdentity: "see whole resident ID and phone numbers",
}

// String names p for messages.
func (p Perm) String() string { return permNames[p] }

// write reports whether p changes data (refused to read-only API tokens).
func (p Perm) write() bool {
	switch p {
	case WritePersons, WriteEmployers, WriteEmployments, WriteFlexible, ManageUsers, ApprovePayments,
		WriteSeekers, WriteVacancies, RunBatch, RecordServices, ManageFairs, ManageCatalogue, RunSync,
		RunInsurance, OpenClaims, CorrectPeriods, PrepareGrants, RunSupport, ApplyLoans, SetTargets:
		return true
	}
	return false
}

// perms says which role has which permission. The decisions:
//   - a caseworker reads and writes the registry of their divisions;
//   - a reviewer reads it (whole resident IDs: they check claims) but
//     writes nothing in the registry: they approve what others prepared;
//   - an employer agent reads their employer, reads and writes its
//     relations, and reads the persons of those relations (resident IDs
//     masked) or one person found by a whole resident ID (to hire them);
//   - a citizen reads their own record, relations, enrolments and the
//     employers of their relations;
//   - an analyst reads aggregates only (and public vacancies);
//   - an administrator manages users and tokens and the occupation
//     catalogue, and reads no personal data;
//   - an auditor reads the audit trail and nothing else.
//
// In the employment services: a caseworker does everything for the
// registrations, vacancies and fairs of their divisions and runs batch
// jobs there; a reviewer reads what a caseworker reads; an employer agent
// reads vacancies and fairs, writes its employer's vacancies, ranks
// seekers for them and reads its placements; a citizen registers and reads
// themselves, gets their own recommendations and registers for fairs; the
// city-wide synchronisation runs as System only.
//
// In social insurance: a caseworker opens claims and corrections for their
// divisions and, city-wide, runs the batch jobs; a reviewer approves
// claims (never their own); staff read bills and records of their
// divisions, an employer agent its own bills, a citizen their own record,
// an analyst bill totals and contribution income.
//
// In the support programmes: a caseworker prepares the grants the scan
// found in their divisions into batches, records internships, payees and
// loans and, city-wide, runs scans, payment runs and bank returns; a
// reviewer reads them and approves batches (never their own); an employer
// agent sees the grants found for its employer and applies for a loan for
// it; a citizen sees their own grants and applies for a loan; an analyst
// reads totals by programme and division.
//
// In insight: leadership (the analyst role, which DESIGN.md gives to
// "leadership and analysts") sets the year's targets and reads every
// indicator; staff read their divisions' indicators and the lists of
// persons behind a count.
//
// Whole resident ID and phone numbers (RevealIdentity): caseworkers, who
// register and serve people and call them, and reviewers, who check a
// claim against the person's papers; one record at a time, each time for a
// stated reason. Nobody else: an employer agent, a citizen, an analyst see
// them masked (a citizen knows their own).
var perms = map[Role][]Perm{
	Caseworker: {ReadPersons, WritePersons, ReadEmployers, WriteEmployers, ReadEmployments, WriteEmployments, ReadFlexible, WriteFlexible, ReadAggregates,
		ReadSeekers, WriteSeekers, ReadVacancies, WriteVacancies, MatchPersonal, RunBatch, ReadPlacements, RecordServices, ManageFairs,
		RunInsurance, ReadBills, ReadRecords, OpenClaims, CorrectPeriods,
		ReadGrants, PrepareGrants, RunSupport, ApplyLoans, RevealIdentity},
	Reviewer: {ReadPersons, ReadEmployers, ReadEmployments, ReadFlexible, ReadAggregates, ApprovePayments, ReadSeekers, ReadVacancies, ReadPlacements,
		ReadBills, ReadRecords, ReadGrants, RevealIdentity},
	EmployerAgent: {ReadPersons, ReadEmployers, ReadEmployments, WriteEmployments, ReadVacancies, WriteVacancies, MatchPersonal, ReadPlacements, ReadBills,
		ReadGrants, ApplyLoans},
	Citizen: {ReadPersons, ReadEmployers, ReadEmployments, ReadFlexible, ReadSeekers, WriteSeekers, ReadVacancies, MatchPersonal, ReadPlacements, ReadRecords,
		ReadGrants, ApplyLoans},
	Analyst:       {ReadAggregates, ReadVacancies, ReadBills, SetTargets},
	Administrator: {ManageUsers, ManageCatalogue, ReadVacancies},
	Auditor:       {ReadAudit},
}

// Caller is who is asking: a signed-in user (through a session or an API
// token) or System. Domain services read it from the context.
type Caller struct {
	UserID     int64    `json:"user_id"`
	Name       string   `json:"name"`
	Role       Role     `json:"role"`
	Divisions  []string `json:"divisions,omitempty"`   // caseworkers and reviewers
	EmployerID int64    `json:"employer_id,omitempty"` // employer agents
	PersonID   int64    `json:"person_id,omitempty"`   // citizens
	ReadOnly   bool     `json:"read_only,omitempty"`   // an API token of scope read
	SessionID  int64    `json:"-"`
	TokenID    int64    `json:"token_id,omitempty"`
	IP         string   `json:"-"` // where the request came from, for the audit trail
	Reason     string   `json:"-"` // why, when the screen asks; for the audit trail
}

// System is the caller of the command line and of the bureau's batch
// jobs: every permission, every division, audited as "system".
var System = Caller{Name: "system", Role: RoleSystem}

type callerKey struct{}

// WithCaller returns ctx carrying c.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the caller ctx carries, if any.
func CallerFrom(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(Caller)
	return c, ok
}

// maxReason bounds the reason recorded with an audit entry, in bytes.
const maxReason = 500

// WithReason returns ctx whose caller records reason (why the data is
// looked at, as a screen asks) in the audit entries it causes. It does
// nothing when ctx has no caller.
func WithReason(ctx context.Context, reason string) context.Context {
	c, ok := CallerFrom(ctx)
	if !ok {
		return ctx
	}
	c.Reason = clip(strings.TrimSpace(reason), maxReason)
	return WithCaller(ctx, c)
}

// errNoCaller is returned when a service is called without a caller.
func errNoCaller() *fault.Error {
	return &fault.Error{Kind: fault.Unauthorized, Rule: "auth.required", Message: "sign in first"}
}

// Current returns the caller of ctx, or an Unauthorized error if there is none.
func Current(ctx context.Context) (Caller, error) {
	c, ok := CallerFrom(ctx)
	if !ok || c.Role == "" {
		return Caller{}, errNoCaller()
	}
	return c, nil
}

// Require returns the caller of ctx if they have permission p. It fails
// with Unauthorized when ctx has no caller and Forbidden when the
// caller's role lacks p or a read-only token asks to write. Scope (which
// persons, which employers) is the service's next check.
func Require(ctx context.Context, p Perm) (Caller, error) {
	c, err := Current(ctx)
	if err != nil {
		return c, err
	}
	if !c.Can(p) {
		return c, &fault.Error{Kind: fault.Forbidden, Rule: "auth.permission", Message: "your role (" + string(c.Role) + ") may not " + p.String()}
	}
	if c.ReadOnly && p.write() {
		return c, &fault.Error{Kind: fault.Forbidden, Rule: "auth.read_only", Message: "this API token may only read"}
	}
	return c, nil
}

// Can reports whether c's role has permission p (scope aside). System has
// every permission but ApprovePayments: only a person approves payments.
func (c Caller) Can(p Perm) bool {
	if c.Role == RoleSystem {
		return p != ApprovePayments
	}
	return slices.Contains(perms[c.Role], p)
}

// RequireApprover returns the caller of ctx if they may approve what the
// user preparerID prepared: a reviewer (ApprovePayments) who is not the
// preparer (four eyes). It fails with Unauthorized without a caller and
// Forbidden otherwise (rule auth.four_eyes for the preparer themselves).
// The domain still checks that the record is within the reviewer's scope.
func RequireApprover(ctx context.Context, preparerID int64) (Caller, error) {
	c, err := Require(ctx, ApprovePayments)
	if err != nil {
		return c, err
	}
	if c.UserID == preparerID {
		return c, &fault.Error{Kind: fault.Forbidden, Rule: "auth.four_eyes", Message: "you prepared this: another reviewer must approve it"}
	}
	return c, nil
}

// IsSystem reports whether c is the System caller.
func (c Caller) IsSystem() bool { return c.Role == RoleSystem }

// DivisionScoped reports whether c's reach is drawn by divisions
// (caseworkers and reviewers), as opposed to one person or employer.
func (c Caller) DivisionScoped() bool { return c.Role.scoped() }

// CityWide reports whether c reaches every division: System, or a
// division-scoped caller given the city's code.
func (c Caller) CityWide() bool {
	return c.IsSystem() || (c.Role.scoped() && slices.Contains(c.Divisions, CityWide))
}

// InDivision reports whether c's divisions include the county-level
// division code. Only System and division-scoped callers reach divisions.
func (c Caller) InDivision(code string) bool {
	return c.CityWide() || (c.Role.scoped() && code != "" && slices.Contains(c.Divisions, code))
}

// ScopeDivisions returns the divisions a list must be narrowed to: nil
// for a city-wide caller (no narrowing) and c.Divisions otherwise.
func (c Caller) ScopeDivisions() []string {
	if c.CityWide() {
		return nil
	}
	return c.Divisions
}

// Actor names c in messages and the audit trail.
func (c Caller) Actor() string {
	if c.IsSystem() {
		return "system"
	}
	return c.Name
}

// OutOfScope returns the NotFound error a service answers for a record
// the caller may not see, the same as for one that does not exist, so
// that existence does not leak.
func OutOfScope(what string, id int64) *fault.Error {
	return fault.NotFoundf("%s %d not found", what, id)
}

// ForbiddenField returns the Forbidden error for an input field whose
// value lies outside the caller's scope (a division they do not serve).
func ForbiddenField(field, format string, args ...any) *fault.Error {
	e := fault.Forbiddenf(format, args...)
	e.Field, e.Rule = field, "scope."+field
	return e
}

func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

func isNotFound(err error) bool { return fault.KindOf(err) == fault.NotFound }
