package registry

import (
	"strings"
	"unicode/utf8"

	"hrss/registry/ident"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// PersonInput is what a caller gives to create or update a person. Every
// field is text so that a bad value is reported by its field name.
type PersonInput struct {
	ResidentID        string           `json:"resident_id"`
	Name              string           `json:"name"`
	Sex               string           `json:"sex,omitempty"`   // optional; cross-checked against the ID
	Birth             string           `json:"birth,omitempty"` // optional; cross-checked against the ID
	HukouDivision     string           `json:"hukou_division,omitempty"`
	ResidenceDivision string           `json:"residence_division"`
	Education         string           `json:"education,omitempty"`
	Phone             string           `json:"phone,omitempty"`
	Graduation        *GraduationInput `json:"graduation,omitempty"`
	// UpdatedAt, on an update, is the updated_at the caller read: the
	// update is refused (Conflict) if the record changed since. Optional.
	UpdatedAt string `json:"updated_at,omitempty"`
}

// GraduationInput is the text form of a Graduation.
type GraduationInput struct {
	School string `json:"school"`
	Major  string `json:"major"`
	Degree string `json:"degree"`
	Date   string `json:"date"`
}

// parse validates in and returns the Person it describes (ID fields unset).
func (in PersonInput) parse(today period.Date) (Person, error) {
	id, err := ident.ParseResidentID(in.ResidentID)
	if err != nil {
		return Person{}, err
	}
	p := Person{ResidentID: id, Sex: id.Sex(), Birth: id.Birth(), Phone: strings.TrimSpace(in.Phone)}
	if p.Name, err = parseName("name", in.Name); err != nil {
		return Person{}, err
	}
	if in.Sex != "" && ident.Sex(in.Sex) != p.Sex {
		return Person{}, fault.Invalidf("sex", "sex.matches_resident_id", "sex %q contradicts the resident ID number, whose sequence code says %s", in.Sex, p.Sex)
	}
	if in.Birth != "" {
		b, err := period.ParseDate(in.Birth)
		if err != nil {
			return Person{}, fault.Invalidf("birth", "date.format", "%v", err)
		}
		if b != p.Birth {
			return Person{}, fault.Invalidf("birth", "birth.matches_resident_id", "birth date %s contradicts the resident ID number, which says %s", b, p.Birth)
		}
	}
	if p.ResidenceDivision, err = countyDivision("residence_division", in.ResidenceDivision); err != nil {
		return Person{}, err
	}
	p.HukouDivision = strings.TrimSpace(in.HukouDivision)
	if p.HukouDivision == "" {
		p.HukouDivision = id.Division()
	} else if !divisionShaped(p.HukouDivision) {
		return Person{}, fault.Invalidf("hukou_division", "division.code", "%q is not a GB/T 2260 division code (six digits)", p.HukouDivision)
	}
	if p.Education, err = parseEducation("education", in.Education, EduNone); err != nil {
		return Person{}, err
	}
	if p.Phone != "" && !mobileShaped(p.Phone) {
		return Person{}, fault.Invalidf("phone", "phone.mobile", "%q is not a mainland mobile number (11 digits starting with 1)", p.Phone)
	}
	if in.Graduation != nil {
		g, err := in.Graduation.parse(p.Birth, today)
		if err != nil {
			return Person{}, err
		}
		p.Graduation = &g
	}
	return p, nil
}

func (in GraduationInput) parse(birth, today period.Date) (Graduation, error) {
	var g Graduation
	var err error
	if g.School, err = parseName("graduation.school", in.School); err != nil {
		return g, err
	}
	g.Major = strings.TrimSpace(in.Major)
	if g.Degree, err = parseEducation("graduation.degree", in.Degree, ""); err != nil {
		return g, err
	}
	if g.Date, err = period.ParseDate(in.Date); err != nil {
		return g, fault.Invalidf("graduation.date", "date.format", "%v", err)
	}
	if !birth.Before(g.Date) || today.AddDays(366).Before(g.Date) {
		return g, fault.Invalidf("graduation.date", "graduation.date_range", "graduation date %s must be after the birth date %s and at most a year ahead", g.Date, birth)
	}
	return g, nil
}

// EmployerInput is what a caller gives to create or update an employer.
type EmployerInput struct {
	CreditCode       string `json:"credit_code"`
	Name             string `json:"name"`
	IndustrySection  string `json:"industry_section"`
	IndustryDivision string `json:"industry_division"`
	Division         string `json:"division"`
	RiskClass        int    `json:"risk_class"`
	RiskFloat        string `json:"risk_float,omitempty"` // default "1.0"
	// UpdatedAt, on an update, is the updated_at the caller read: the
	// update is refused (Conflict) if the record changed since. Optional.
	UpdatedAt string `json:"updated_at,omitempty"`
}

func (in EmployerInput) parse() (Employer, error) {
	code, err := ident.ParseCreditCode(in.CreditCode)
	if err != nil {
		return Employer{}, err
	}
	e := Employer{CreditCode: code, IndustrySection: strings.ToUpper(strings.TrimSpace(in.IndustrySection)), IndustryDivision: strings.TrimSpace(in.IndustryDivision), RiskClass: in.RiskClass}
	if e.Name, err = parseName("name", in.Name); err != nil {
		return Employer{}, err
	}
	if _, ok := industrySections[e.IndustrySection]; !ok {
		return Employer{}, fault.Invalidf("industry_section", "industry.section", "%q is not a GB/T 4754-2017 section (A to T)", in.IndustrySection)
	}
	if !industryOK(e.IndustrySection, e.IndustryDivision) {
		return Employer{}, fault.Invalidf("industry_division", "industry.division", "%q is not a GB/T 4754-2017 division of section %s (%v)", in.IndustryDivision, e.IndustrySection, industrySections[e.IndustrySection])
	}
	if e.Division, err = countyDivision("division", in.Division); err != nil {
		return Employer{}, err
	}
	if e.RiskClass < 1 || e.RiskClass > 8 {
		return Employer{}, fault.Invalidf("risk_class", "risk_class.range", "work-injury risk class %d is not between 1 and 8 (人社部发〔2015〕71号)", in.RiskClass)
	}
	if e.RiskFloat, err = parseFloatFactor(in.RiskFloat); err != nil {
		return Employer{}, err
	}
	return e, nil
}

// parseFloatFactor reads the work-injury floating factor: 0.5 to 1.5, at
// most two decimals (人社部发〔2015〕71号 allows 50% to 150%).
func parseFloatFactor(s string) (money.Dec, error) {
	if strings.TrimSpace(s) == "" {
		return money.MustDec("1.0"), nil
	}
	d, err := money.ParseDec(strings.TrimSpace(s))
	if err != nil || d.Exponent() < -2 || d.LessThan(money.MustDec("0.5")) || d.GreaterThan(money.MustDec("1.5")) {
		return money.Dec{}, fault.Invalidf("risk_float", "risk_float.range", "%q is not a floating factor between 0.5 and 1.5 with at most two decimals", s)
	}
	return d, nil
}

// EmploymentInput is what a caller gives to create or update an employment relation.
type EmploymentInput struct {
	PersonID     int64    `json:"person_id"`
	EmployerID   int64    `json:"employer_id"`
	Start        string   `json:"start"`
	End          string   `json:"end,omitempty"`
	Separation   string   `json:"separation,omitempty"`
	DeclaredWage string   `json:"declared_wage"` // yuan, e.g. "6500.00"
	Insurances   []string `json:"insurances,omitempty"`
	// ResidentID is the hired person's whole resident ID number. An
	// employer agent must give it on a new relation, and it must be the
	// number of PersonID: it proves the agent holds the person's papers,
	// so that a person ID alone cannot reach a person's record.
	ResidentID string `json:"resident_id,omitempty"`
	// UpdatedAt, on an update, is the updated_at the caller read: the
	// update is refused (Conflict) if the record changed since. Optional.
	UpdatedAt string `json:"updated_at,omitempty"`
}

// maxWage bounds a declared monthly wage: 10 million yuan.
const maxWage = money.Fen(10_000_000_00)

func (in EmploymentInput) parse() (Employment, error) {
	e := Employment{PersonID: in.PersonID, EmployerID: in.EmployerID}
	var err error
	if e.Start, err = period.ParseDate(in.Start); err != nil {
		return e, fault.Invalidf("start", "date.format", "%v", err)
	}
	if in.End != "" {
		if e.End, err = period.ParseDate(in.End); err != nil {
			return e, fault.Invalidf("end", "date.format", "%v", err)
		}
		if !e.Start.Before(e.End) {
			return e, fault.Invalidf("end", "employment.end_after_start", "end %s must be after start %s", e.End, e.Start)
		}
		e.Separation = Separation(in.Separation)
		if _, ok := separations[e.Separation]; !ok {
			return e, fault.Invalidf("separation", "employment.separation_reason", "%q is not a separation reason; an ended relation needs one of %s", in.Separation, separationList())
		}
	} else if in.Separation != "" {
		return e, fault.Invalidf("separation", "employment.separation_needs_end", "a separation reason needs an end date")
	}
	if e.DeclaredWage, err = money.Parse(strings.TrimSpace(in.DeclaredWage)); err != nil {
		return e, fault.Invalidf("declared_wage", "money.format", "%v", err)
	}
	if e.DeclaredWage <= 0 || e.DeclaredWage > maxWage {
		return e, fault.Invalidf("declared_wage", "declared_wage.range", "declared monthly wage %s must be above 0 and at most %s yuan", e.DeclaredWage, maxWage)
	}
	if e.Insurances, err = parseInsurances(in.Insurances); err != nil {
		return e, err
	}
	return e, nil
}

func separationList() string {
	var s []string
	for _, r := range []Separation{SepResignation, SepContractEnd, SepDismissed, SepEmployerFault, SepMutual, SepEmployerGone, SepRetired, SepDeceased} {
		s = append(s, string(r))
	}
	return strings.Join(s, ", ")
}

// parseInsurances reads a set of insurances; none given means all four.
func parseInsurances(in []string) ([]Insurance, error) {
	if len(in) == 0 {
		return append([]Insurance(nil), AllInsurances...), nil
	}
	seen := map[Insurance]bool{}
	for _, s := range in {
		ins := Insurance(s)
		if ins != Pension && ins != Medical && ins != Unemployment && ins != WorkInjury {
			return nil, fault.Invalidf("insurances", "insurance.known", "%q is not an insurance (pension, medical, unemployment, work_injury)", s)
		}
		seen[ins] = true
	}
	var out []Insurance
	for _, ins := range AllInsurances {
		if seen[ins] {
			out = append(out, ins)
		}
	}
	return out, nil
}

// FlexibleInput is what a caller gives to enrol a flexible worker.
type FlexibleInput struct {
	PersonID int64  `json:"person_id"`
	Division string `json:"division"`
	Start    string `json:"start"`
	End      string `json:"end,omitempty"`
	BasePct  int    `json:"base_pct"`
	// UpdatedAt, on an update, is the updated_at the caller read: the
	// update is refused (Conflict) if the record changed since. Optional.
	UpdatedAt string `json:"updated_at,omitempty"`
}

func (in FlexibleInput) parse() (FlexibleWorker, error) {
	f := FlexibleWorker{PersonID: in.PersonID, BasePct: in.BasePct}
	var err error
	if f.Division, err = countyDivision("division", in.Division); err != nil {
		return f, err
	}
	if f.Start, err = period.ParseDate(in.Start); err != nil {
		return f, fault.Invalidf("start", "date.format", "%v", err)
	}
	if in.End != "" {
		if f.End, err = period.ParseDate(in.End); err != nil {
			return f, fault.Invalidf("end", "date.format", "%v", err)
		}
		if !f.Start.Before(f.End) {
			return f, fault.Invalidf("end", "flexible.end_after_start", "end %s must be after start %s", f.End, f.Start)
		}
	}
	if f.BasePct < 60 || f.BasePct > 300 {
		return f, fault.Invalidf("base_pct", "flexible.base_level", "base level %d%% must lie between 60%% and 300%% of the average wage", in.BasePct)
	}
	return f, nil
}

func parseName(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fault.Invalidf(field, "text.required", "is required")
	}
	if utf8.RuneCountInString(s) > 100 || !utf8.ValidString(s) {
		return "", fault.Invalidf(field, "text.length", "must be valid text of at most 100 characters")
	}
	return s, nil
}

func countyDivision(field, code string) (string, error) {
	code = strings.TrimSpace(code)
	if !isCounty(code) {
		return "", fault.Invalidf(field, "division.jiaxing_county", "%q is not one of Jiaxing's county-level divisions (%s)", code, strings.Join(CountyCodes(), ", "))
	}
	return code, nil
}

func parseEducation(field, s string, def Education) (Education, error) {
	if s == "" && def != "" {
		return def, nil
	}
	e := Education(s)
	if e.Rank() < 0 {
		var names []string
		for _, l := range EducationLevels {
			names = append(names, string(l))
		}
		return "", fault.Invalidf(field, "education.level", "%q is not an education level (%s)", s, strings.Join(names, ", "))
	}
	return e, nil
}

func mobileShaped(s string) bool {
	if len(s) != 11 || s[0] != '1' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
