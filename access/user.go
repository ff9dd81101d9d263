package access

import (
	"slices"
	"strings"
	"time"

	"hrss/rules/fault"
)

// User is someone who signs in to hrss.
type User struct {
	ID             int64     `json:"id"`
	Name           string    `json:"name"` // the sign-in name: lower case letters, digits, '.', '_', '-'
	Role           Role      `json:"role"`
	Divisions      []string  `json:"divisions,omitempty"`   // caseworkers and reviewers: county-level codes, or CityWide
	EmployerID     int64     `json:"employer_id,omitempty"` // employer agents
	PersonID       int64     `json:"person_id,omitempty"`   // citizens
	PasswordHash   string    `json:"-"`                     // argon2id, PHC format
	Disabled       bool      `json:"disabled"`
	FailedAttempts int       `json:"failed_attempts"`
	LockedUntil    time.Time `json:"locked_until,omitzero"`
	TOTP           bool      `json:"totp"` // has a second factor (TOTPSecret set)
	TOTPSecret     []byte    `json:"-"`    // sealed; see ProvisionTOTP
	TOTPPending    []byte    `json:"-"`    // sealed; an enrolment begun (BeginTOTP)
	TOTPStep       int64     `json:"-"`    // the last time step whose code was used
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// caller returns the Caller of u.
func (u User) caller() Caller {
	return Caller{UserID: u.ID, Name: u.Name, Role: u.Role, Divisions: u.Divisions, EmployerID: u.EmployerID, PersonID: u.PersonID}
}

// UserInput is what an administrator gives to create or change a user.
// On a change, an empty Password keeps the current one.
type UserInput struct {
	Name       string   `json:"name"`
	Role       string   `json:"role"`
	Divisions  []string `json:"divisions,omitempty"`
	EmployerID int64    `json:"employer_id,omitempty"`
	PersonID   int64    `json:"person_id,omitempty"`
	Password   string   `json:"password,omitempty"`
	Disabled   bool     `json:"disabled,omitempty"`
	ResetTOTP  bool     `json:"reset_totp,omitempty"` // on a change: remove the second factor
	UpdatedAt  string   `json:"updated_at,omitempty"` // on a change: the updated_at read (409 if changed since; UnchangedSince)
}

// parse validates in (without the database checks) and returns the user
// it describes, its password not yet hashed.
func (in UserInput) parse(known func(string) bool) (User, error) {
	u := User{EmployerID: in.EmployerID, PersonID: in.PersonID, Disabled: in.Disabled}
	var err error
	if u.Name, err = parseUserName(in.Name); err != nil {
		return u, err
	}
	if u.Role, err = ParseRole(in.Role); err != nil {
		return u, err
	}
	if u.Divisions, err = parseDivisions(in.Divisions, known); err != nil {
		return u, err
	}
	return u, checkRoleScope(u)
}

// parseUserName checks a sign-in name: 3 to 64 characters, lower case
// ASCII letters, digits, '.', '_' and '-', starting with a letter.
func parseUserName(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	ok := len(s) >= 3 && len(s) <= 64 && s[0] >= 'a' && s[0] <= 'z'
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'
	}
	if !ok {
		return "", fault.Invalidf("name", "user.name", "%q is not a user name: 3 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter", s)
	}
	return s, nil
}

// parseDivisions checks division codes with known (six digits when nil)
// and returns them sorted without duplicates.
func parseDivisions(codes []string, known func(string) bool) ([]string, error) {
	var out []string
	for _, c := range codes {
		c = strings.TrimSpace(c)
		if !sixDigits(c) || (known != nil && c != CityWide && !known(c)) {
			return nil, fault.Invalidf("divisions", "division.jiaxing_county", "%q is not a county-level division of Jiaxing (or %s for the whole city)", c, CityWide)
		}
		out = append(out, c)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func sixDigits(s string) bool {
	if len(s) != 6 {
		return false
	}
	for i := range 6 {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// checkRoleScope checks that u has exactly the scope its role needs:
// divisions for caseworkers and reviewers, an employer for employer
// agents, a person for citizens, none for the others.
func checkRoleScope(u User) error {
	hasDiv, hasEmp, hasPer := len(u.Divisions) > 0, u.EmployerID != 0, u.PersonID != 0
	switch {
	case u.Role.scoped() && !hasDiv:
		return fault.Invalidf("divisions", "user.divisions_required", "a %s needs at least one division", u.Role)
	case !u.Role.scoped() && hasDiv:
		return fault.Invalidf("divisions", "user.divisions_unexpected", "a %s has no divisions", u.Role)
	case u.Role == EmployerAgent && u.EmployerID <= 0:
		return fault.Invalidf("employer_id", "user.employer_required", "an employer agent needs the employer they act for")
	case u.Role != EmployerAgent && hasEmp:
		return fault.Invalidf("employer_id", "user.employer_unexpected", "only an employer agent acts for an employer")
	case u.Role == Citizen && u.PersonID <= 0:
		return fault.Invalidf("person_id", "user.person_required", "a citizen's account needs their person in the registry")
	case u.Role != Citizen && hasPer:
		return fault.Invalidf("person_id", "user.person_unexpected", "only a citizen's account refers to a person")
	}
	return nil
}
