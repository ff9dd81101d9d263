package rules

import (
	"github.com/shopspring/decimal"

	"hrss/rules/money"
	"hrss/rules/period"
)

// Population is N insured person-months held as columns, one slice per
// variable, for the columnar engine (Assess, Simulate). Build it with
// NewPopulation and Append; the columns are unexported so that every row
// is checked once on the way in and the engine's loop needs no checks
// beyond the parameter-dependent ones.
//
//	pop := rules.NewPopulation(len(rows))
//	for _, row := range rows {
//		err := pop.Append(rules.Person{Division: row.Division, Kind: rules.KindEmployee,
//			Wage: row.Wage, RiskClass: row.RiskClass, FloatPct: row.FloatPct})
//		...
//	}
type Population struct {
	divisions []string         // distinct division codes; div indexes it
	divIndex  map[string]int32 // code → index
	div       []int32
	kind      []Kind
	wage      []money.Fen
	risk      []uint8
	float     []uint16 // work-injury float in hundredths (100 = 1.0)
	period    []period.YearMonth
	enrolled  []Enrolled // never 0: Append stores EnrolledAll for "all"
}

// Person is one row of a Population: one person for one month.
type Person struct {
	Division  string           // where insured, e.g. "330402"
	Kind      Kind             // KindEmployee or KindFlexible
	Wage      money.Fen        // employees: the wage the base is clamped from; flexible: the chosen base
	RiskClass int              // employees: work-injury risk class 1-8; flexible: ignored
	FloatPct  int              // employees: work-injury float in percent of the class rate (120 = 1.2); 0 means 100
	Period    period.YearMonth // the month assessed; 0 means the period given to Assess or Simulate
	Enrolled  Enrolled         // employees: the insurances enrolled; 0 means all four. Flexible: pension only
}

// Enrolled is a set of insurances, one bit each; the zero value stands
// for all four. Lines of insurances a row is not enrolled in are zero.
type Enrolled uint8

// The insurances of an Enrolled set.
const (
	EnrolledPension Enrolled = 1 << iota
	EnrolledMedical
	EnrolledUnemployment
	EnrolledWorkInjury
	EnrolledAll = EnrolledPension | EnrolledMedical | EnrolledUnemployment | EnrolledWorkInjury
)

var enrolledBit = map[Insurance]Enrolled{Pension: EnrolledPension, Medical: EnrolledMedical, Unemployment: EnrolledUnemployment, WorkInjury: EnrolledWorkInjury}

// EnrolledOf returns the set of the given insurances; unknown names are ignored.
func EnrolledOf(ins ...Insurance) Enrolled {
	var e Enrolled
	for _, i := range ins {
		e |= enrolledBit[i]
	}
	return e
}

// Has reports whether e holds insurance i (the zero set holds all).
func (e Enrolled) Has(i Insurance) bool { return e == 0 || e&enrolledBit[i] != 0 }

// lineMask[e][l] is 0 when line l's insurance is not in e, else all ones.
var lineMask = func() (m [EnrolledAll + 1][NumLines]money.Fen) {
	for e := Enrolled(0); e <= EnrolledAll; e++ {
		for l := Line(0); l < NumLines; l++ {
			if e.Has(lineInfo[l].ins) {
				m[e][l] = -1
			}
		}
	}
	return m
}()

// mask zeroes the lines of a row not covered by e (no branch per line).
func mask(a *[NumLines]money.Fen, e Enrolled) {
	if e == EnrolledAll {
		return
	}
	m := &lineMask[e]
	for l := range a {
		a[l] &= m[l]
	}
}

// NewPopulation returns an empty population with room for n rows.
func NewPopulation(n int) *Population {
	return &Population{
		divIndex: map[string]int32{},
		div:      make([]int32, 0, n),
		kind:     make([]Kind, 0, n),
		wage:     make([]money.Fen, 0, n),
		risk:     make([]uint8, 0, n),
		float:    make([]uint16, 0, n),
		period:   make([]period.YearMonth, 0, n),
		enrolled: make([]Enrolled, 0, n),
	}
}

// Len returns the number of rows.
func (pop *Population) Len() int { return len(pop.div) }

// Divisions returns the distinct division codes in order of first
// appearance; a row's division index points into it. Do not modify it.
func (pop *Population) Divisions() []string { return pop.divisions }

// Append adds a row. It fails with an Invalid error naming the row for a
// bad division code, kind, negative wage, risk class outside 1-8 or float
// outside 1-1000 percent; whether the float is allowed for the class
// depends on the parameters and is checked by Assess and Simulate.
func (pop *Population) Append(p Person) error {
	row := len(pop.div) + 1
	di, ok := pop.findDivision(p.Division)
	if !ok {
		if _, err := Jurisdictions(p.Division); err != nil {
			return invalid("division", "population.division", "row %d: %v", row, err)
		}
		di = int32(len(pop.divisions))
		pop.divisions = append(pop.divisions, p.Division)
		pop.divIndex[p.Division] = di
	}
	switch {
	case p.Kind != KindEmployee && p.Kind != KindFlexible:
		return invalid("kind", "population.kind", "row %d: kind must be employee or flexible", row)
	case p.Wage < 0:
		return invalid("wage", "population.wage", "row %d: negative wage %s", row, p.Wage)
	case p.Kind == KindEmployee && (p.RiskClass < 1 || p.RiskClass > 8):
		return invalid("risk_class", "population.risk_class", "row %d: risk class %d is not 1 to 8", row, p.RiskClass)
	case p.FloatPct < 0 || p.FloatPct > 1000:
		return invalid("float", "population.float", "row %d: float %d%% is outside 0-1000", row, p.FloatPct)
	}
	fl := p.FloatPct
	if fl == 0 {
		fl = 100
	}
	if p.Kind == KindFlexible {
		p.RiskClass, fl = 0, 100
	}
	pop.div = append(pop.div, di)
	pop.kind = append(pop.kind, p.Kind)
	pop.wage = append(pop.wage, p.Wage)
	pop.risk = append(pop.risk, uint8(p.RiskClass))
	pop.float = append(pop.float, uint16(fl))
	pop.period = append(pop.period, p.Period)
	if p.Enrolled == 0 || p.Kind == KindFlexible {
		p.Enrolled = EnrolledAll // a flexible worker's only line is pension
	}
	pop.enrolled = append(pop.enrolled, p.Enrolled&EnrolledAll)
	return nil
}

// findDivision returns the index of a division code already seen: the
// previous row's, else by a scan of the few divisions of a city, else by
// the map.
func (pop *Population) findDivision(code string) (int32, bool) {
	if n := len(pop.div); n > 0 && pop.divisions[pop.div[n-1]] == code {
		return pop.div[n-1], true
	}
	if len(pop.divisions) <= 16 {
		for i, d := range pop.divisions {
			if d == code {
				return int32(i), true
			}
		}
		return 0, false
	}
	di, ok := pop.divIndex[code]
	return di, ok
}

// Person returns row i (0-based) as a Person.
func (pop *Population) Person(i int) Person {
	return Person{Division: pop.divisions[pop.div[i]], Kind: pop.kind[i], Wage: pop.wage[i],
		RiskClass: int(pop.risk[i]), FloatPct: int(pop.float[i]), Period: pop.period[i], Enrolled: pop.enrolled[i]}
}

// Input returns row i as the ContributionInput of the per-person formula,
// for period at when the row has none.
func (pop *Population) Input(i int, at period.YearMonth) ContributionInput {
	p := pop.Person(i)
	if p.Period == 0 {
		p.Period = at
	}
	return ContributionInput{Division: p.Division, Period: p.Period, Wage: p.Wage, Kind: p.Kind,
		RiskClass: p.RiskClass, Float: decimal.New(int64(p.FloatPct), -2)}
}
