package rules

import (
	"math/bits"

	"github.com/shopspring/decimal"

	"hrss/rules/money"
	"hrss/rules/msg"
	"hrss/rules/period"
)

// Population is N insured person-months held as columns, for the columnar
// engine (Assess, Simulate). Build it with NewPopulation and Append; the
// columns are unexported so that every row is checked once on the way in
// and the engine's loop needs no checks beyond the parameter-dependent
// ones.
//
//	pop := rules.NewPopulation(len(rows))
//	for _, row := range rows {
//		err := pop.Append(rules.Person{Division: row.Division, Kind: rules.KindEmployee,
//			Wage: row.Wage, RiskClass: row.RiskClass, FloatPct: row.FloatPct})
//		...
//	}
//
// A row is its wage and its group: the division, period, kind, risk
// class, float and enrolled insurances it shares with many others (an
// employer's staff share all of them). The groups are interned as rows
// are appended, so the engine resolves the parameters once per group and
// its loop reads 16 bytes a row.
type Population struct {
	rows []row

	groups []group
	index  groupIndex // the groups by their fields

	divisions []string         // distinct division codes; group.div indexes it
	divIndex  map[string]int32 // code → index
}

// row is one row of a Population: its wage and its group. Wage and group
// side by side cost one append a row, and the engine reads both from one
// cache line.
type row struct {
	wage  money.Fen
	group uint32 // index into Population.groups
}

// group is what the rows of a population share besides the wage: all
// that the parameters are resolved for.
type group struct {
	div      int32
	period   period.YearMonth // 0: the period given to Assess or Simulate
	kind     Kind
	class    uint8    // 1-8 for employees, 0 for flexible workers
	float    uint16   // work-injury float in hundredths (100 = 1.0)
	enrolled Enrolled // never 0: Append stores EnrolledAll for "all"
	first    int      // the group's first row (0-based), for errors
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

// NewPopulation returns an empty population with room for n rows.
func NewPopulation(n int) *Population {
	return &Population{
		rows: make([]row, 0, n),
	}
}

// Len returns the number of rows.
func (pop *Population) Len() int { return len(pop.rows) }

// Divisions returns the distinct division codes in order of first
// appearance; a row's division index points into it. Do not modify it.
func (pop *Population) Divisions() []string { return pop.divisions }

// Append adds a row. It fails with an Invalid error naming the row for a
// bad division code, kind, negative wage, risk class outside 1-8 or float
// outside 1-1000 percent; whether the float is allowed for the class
// depends on the parameters and is checked by Assess and Simulate.
//
// A row of a group already seen costs one probe of the group index,
// keyed by the division code's bytes and the other fields, so a division
// code is looked up (and checked) only when a new group is.
func (pop *Population) Append(p Person) error {
	if !(p.Kind == KindEmployee && p.RiskClass >= 1 && p.RiskClass <= 8 || p.Kind == KindFlexible) ||
		p.Wage < 0 || p.FloatPct < 0 || p.FloatPct > 1000 {
		return pop.refuse(p)
	}
	fl, e, class := uint64(p.FloatPct), uint64(p.Enrolled&EnrolledAll), uint64(p.RiskClass)
	if fl == 0 {
		fl = 100
	}
	if e == 0 {
		e = uint64(EnrolledAll)
	}
	if p.Kind == KindFlexible {
		class, fl, e = 0, 100, uint64(EnrolledAll) // a flexible worker's only line is pension
	}
	// Only the code, the wage and the key are live from here on, so that
	// the probe runs in registers.
	code, wage := p.Division, p.Wage
	k := groupKey{divisionKey(code) | uint64(p.Kind)<<48 | class<<50 | e<<54, uint64(uint32(p.Period)) | fl<<32}
	if s := pop.index.find(k); s.key.a != 0 {
		pop.rows = append(pop.rows, row{wage, s.g})
		return nil
	}
	return pop.appendNew(code, wage, k)
}

// appendNew appends a row of a new group, its fields read back from its
// key k.
func (pop *Population) appendNew(code string, wage money.Fen, k groupKey) error {
	di, err := pop.division(code)
	if err != nil {
		return err
	}
	s := indexSlot{key: k, g: uint32(len(pop.groups))}
	pop.groups = append(pop.groups, group{div: di, period: period.YearMonth(int32(uint32(k.b))), kind: Kind(k.a >> 48 & 3),
		class: uint8(k.a >> 50 & 15), float: uint16(k.b >> 32), enrolled: Enrolled(k.a >> 54 & 15), first: len(pop.rows)})
	pop.index.insert(s)
	pop.rows = append(pop.rows, row{wage, s.g})
	return nil
}

// refuse returns the error of a row Append refuses, checking the fields
// in order.
func (pop *Population) refuse(p Person) error {
	row := len(pop.rows) + 1
	if _, err := pop.division(p.Division); err != nil {
		return err
	}
	switch {
	case p.Kind != KindEmployee && p.Kind != KindFlexible:
		return invalid("kind", "population.kind", "error.population.kind", msg.Int("row", row))
	case p.Wage < 0:
		return invalid("wage", "population.wage", "error.population.wage", msg.Int("row", row), msg.Fen("wage", p.Wage))
	case p.Kind == KindEmployee && (p.RiskClass < 1 || p.RiskClass > 8):
		return invalid("risk_class", "population.risk_class", "error.population.risk_class", msg.Int("row", row), msg.Int("class", p.RiskClass))
	}
	return invalid("float", "population.float", "error.population.float", msg.Int("row", row), msg.Int("pct", int(p.FloatPct)))
}

// divisionKey packs a six-byte code into the low 48 bits of an integer
// (0 for any other length, which no division code has, so that such a
// row never matches a group and is refused by newGroup).
func divisionKey(code string) uint64 {
	if len(code) != 6 {
		return 0
	}
	return uint64(code[0]) | uint64(code[1])<<8 | uint64(code[2])<<16 | uint64(code[3])<<24 | uint64(code[4])<<32 | uint64(code[5])<<40
}

// division returns the index of a division code, adding a new valid one.
// It fails for a code that is not a division.
func (pop *Population) division(code string) (int32, error) {
	if di, ok := pop.divIndex[code]; ok {
		return di, nil
	}
	if _, err := Jurisdictions(code); err != nil {
		return 0, invalid("division", "population.division", "error.population.division", msg.Int("row", len(pop.rows)+1), msg.Text("division", code))
	}
	if pop.divIndex == nil {
		pop.divIndex = map[string]int32{}
	}
	di := int32(len(pop.divisions))
	pop.divisions = append(pop.divisions, code)
	pop.divIndex[code] = di
	return di, nil
}

// Person returns row i (0-based) as a Person.
func (pop *Population) Person(i int) Person {
	r := pop.rows[i]
	g := &pop.groups[r.group]
	return Person{Division: pop.divisions[g.div], Kind: g.kind, Wage: r.wage,
		RiskClass: int(g.class), FloatPct: int(g.float), Period: g.period, Enrolled: g.enrolled}
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

// groupKey is a row's group as two words: the division code's bytes,
// kind, class and enrolled insurances; the period and float. A valid
// row's first word is never 0 (its kind is 1 or 2).
type groupKey struct{ a, b uint64 }

// groupIndex maps group keys to groups: open addressing with linear
// probing over a power-of-two table at most half full, a first word of 0
// marking an empty slot.
type groupIndex struct {
	slots []indexSlot
	n     int
	shift uint // 64 - log2(len(slots)): the hash is the top bits of a product
}

// indexSlot is one group in the index.
type indexSlot struct {
	key groupKey
	g   uint32
}

// hash spreads a key over a table of 2^(64-shift) slots: the top bits of
// a product (Fibonacci hashing), which depend on every bit of the
// multiplicand; the second word is turned so that its period and float
// land on the first word's bits that vary least (the code's high bytes).
func (k groupKey) hash(shift uint) uint64 {
	return (k.a ^ (k.b<<23 | k.b>>41)) * 0x9E3779B97F4A7C15 >> (shift & 63)
}

// find returns the slot of key k, or an empty slot when k is not there.
func (x *groupIndex) find(k groupKey) indexSlot {
	m := uint64(len(x.slots) - 1)
	if len(x.slots) == 0 {
		return indexSlot{}
	}
	for h := k.hash(x.shift); ; h = (h + 1) & m {
		s := x.slots[h]
		if s.key == k || s.key.a == 0 {
			return s
		}
	}
}

func (x *groupIndex) insert(s indexSlot) {
	if 2*(x.n+1) > len(x.slots) {
		old := x.slots
		x.slots = make([]indexSlot, max(64, 2*len(old)))
		x.n, x.shift = 0, uint(64-bits.TrailingZeros(uint(len(x.slots))))
		for _, o := range old {
			if o.key.a != 0 {
				x.insert(o)
			}
		}
	}
	m := uint64(len(x.slots) - 1)
	h := s.key.hash(x.shift)
	for x.slots[h].key.a != 0 {
		h = (h + 1) & m
	}
	x.slots[h] = s
	x.n++
}
