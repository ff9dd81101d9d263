package demo

import (
	"strings"
	"time"

	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules/period"
)

// gen is the state of one generation run. Only one goroutine uses it at
// a time: the employers are made first, then persons in order.
type gen struct {
	cfg   Config
	asOf  period.Date
	today day // asOf as a day
	// twoYearsAgo bounds recent graduates; created stamps rows made "now".
	twoYearsAgo day
	created     time.Time
	vault       *ident.Vault

	es, ps, cs *stream // employers, persons, careers

	// Tables drawn from.
	residenceT table
	localAgeT  table // index: age - minAge
	migrantT   table
	originT    table
	countyT    []table // per origin
	surnameT   table
	firmT      table    // industries by share of employers
	firmDivT   []table  // per industry: divisions by population and concentration
	jobT       [8]table // industries by share of jobs, per education rank
	eduT       []table  // per row of educationByCohort
	schools    schoolPool

	pool *employerPool

	// Sequence codes handed out in resident ID numbers, per (household
	// registration code, birth date), so that no two persons share a number.
	codes    map[string]int // household registration code -> index
	seqUsed  []uint16       // [code index * span + birth day - firstBirth]
	first    day            // earliest birth date handed out
	span     int
	nextEmp  int64
	nextFlex int64

	sum      Summary
	ageCount []int
	divCount []DivisionCount
}

func newGen(cfg Config, vault *ident.Vault) *gen {
	g := &gen{cfg: cfg, asOf: cfg.AsOf, today: dayOf(cfg.AsOf), vault: vault, es: newStream(), ps: newStream(), cs: newStream()}
	g.twoYearsAgo, g.created = dayOf(addYears(cfg.AsOf, -2)), midnight(cfg.AsOf)
	g.residenceT = tableOf(residenceWeights)
	la, ma := make([]float64, maxAge-minAge+1), make([]float64, maxAge-minAge+1)
	for a := minAge; a <= maxAge; a++ {
		la[a-minAge] = localAgeWeight(a, cfg.AsOf.Y)
		ma[a-minAge] = migrantAgeWeight(a)
	}
	g.localAgeT, g.migrantT = newTable(la), newTable(ma)
	ow := make([]float64, len(origins))
	g.countyT = make([]table, len(origins))
	for i, o := range origins {
		ow[i] = o.weight
		g.countyT[i] = newTable(ones(len(o.counties)))
	}
	g.originT = newTable(ow)
	g.surnameT = tableOf(surnames)
	fw := make([]float64, len(industries))
	g.firmDivT = make([]table, len(industries))
	for i, ind := range industries {
		fw[i] = ind.firms
		dw := make([]float64, len(residenceWeights))
		for d, r := range residenceWeights {
			dw[d] = r.w * hubFactor(r.v, ind.division)
		}
		g.firmDivT[i] = newTable(dw)
	}
	g.firmT = newTable(fw)
	for e := range g.jobT {
		jw := make([]float64, len(industries))
		for i, ind := range industries {
			jw[i] = ind.jobs * skillFit[ind.skill][e]
		}
		g.jobT[e] = newTable(jw)
	}
	for _, r := range educationByCohort {
		g.eduT = append(g.eduT, newTable(r.pct[:]))
	}
	g.schools = newSchoolPool(cfg.Seed, g.es)

	g.codes = map[string]int{}
	for _, r := range residenceWeights {
		g.codes[r.v] = len(g.codes)
	}
	for _, o := range origins {
		for _, c := range o.counties {
			if _, ok := g.codes[c]; !ok {
				g.codes[c] = len(g.codes)
			}
		}
	}
	g.first = dayOf(addYears(cfg.AsOf, -(maxAge + 2)))
	g.span = int(g.today-g.first) + 1
	g.seqUsed = make([]uint16, len(g.codes)*g.span)

	g.sum.Seed, g.sum.AsOf = cfg.Seed, cfg.AsOf
	g.ageCount = make([]int, len(ageGroups))
	g.divCount = make([]DivisionCount, len(residenceWeights))
	for i, r := range residenceWeights {
		d, _ := registry.DivisionByCode(r.v)
		g.divCount[i] = DivisionCount{Code: d.Code, Name: d.Name}
	}
	return g
}

func ones(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1
	}
	return w
}

// citizen is one person with the latent traits behind their rows. Later
// generators (contribution history, job seekers) read it.
type citizen struct {
	index     int
	p         *registry.SealedPerson
	birth     day
	age       int // whole years on AsOf
	male      bool
	migrant   bool
	origin    int // index in origins, for migrants
	residence int // index in residenceWeights
	edu       int // rank of the highest completed education
	student   bool
	leave     day    // left school (zero for students)
	arrival   day    // migrants: came to Jiaxing
	major     *major // graduates of vocational college or higher
	female55  bool   // women: original retirement age 55 rather than 50
	retire    day    // statutory retirement date
	ability   float64

	// Filled by the career.
	status  status
	lastSep registry.Separation
}

// person generates person i with their career into b.
func (g *gen) person(i int, b *batch) {
	s := g.ps
	s.reset(g.cfg.Seed, aspectPerson, uint64(i))
	c := citizen{index: i, migrant: s.chance(migrantShare)}
	var age int
	if c.migrant {
		age = minAge + g.migrantT.pick(s)
		c.origin = g.originT.pick(s)
	} else {
		age = minAge + g.localAgeT.pick(s)
	}
	// Uniform birth date among those aged exactly age on AsOf.
	lo, hi := dayOf(addYears(g.asOf, -(age+1)))+1, dayOf(addYears(g.asOf, -age))
	birth := lo + day(s.IntN(int(hi-lo)+1))
	c.male = s.chance(maleShare(age, c.migrant))
	c.residence = g.residenceT.pick(s)
	var hukou string
	switch {
	case c.migrant:
		o := &origins[c.origin]
		hukou = o.counties[g.countyT[c.origin].pick(s)]
	case s.chance(localHukouElsewhere):
		hukou = residenceWeights[g.residenceT.pick(s)].v
	default:
		hukou = residenceWeights[c.residence].v
	}
	id, birth := g.residentID(hukou, birth, c.male)
	c.birth = birth
	bd := birth.date()
	c.age = ageOn(bd, g.asOf)

	b.persons = append(b.persons, registry.SealedPerson{})
	p := &b.persons[len(b.persons)-1]
	c.p = p
	p.ID = int64(i + 1)
	p.ResidentID = id
	p.Sex = id.Sex()
	p.Birth = bd
	p.HukouDivision = hukou
	p.ResidenceDivision = residenceWeights[c.residence].v
	p.Name = g.name(s, c.male)
	p.Phone = phone(s, c.age)
	g.education(s, &c)
	p.Education = registry.EducationLevels[c.edu]
	p.IDSealed = g.vault.Seal(id)
	p.IDHash = g.vault.Hash(id)
	p.CreatedAt = g.created
	p.UpdatedAt = p.CreatedAt
	c.female55 = !c.male && (c.edu >= 4 || c.edu == 3 && s.chance(0.3))
	c.retire = dayOf(retirementDate(bd, c.male, c.female55))
	c.ability = s.NormFloat64()

	g.career(&c, b)
	g.count(&c, b)
}

// ageOn returns the age in whole years on d of a person born on birth.
func ageOn(birth, d period.Date) int {
	a := d.Y - birth.Y
	if d.M < birth.M || d.M == birth.M && d.D < birth.D {
		a--
	}
	return a
}

// residentID returns a resident ID number for a person with household
// registration hukou born on birth, with a sequence code no one else
// born that day there has. If that day's 500 codes of the sex are all
// taken (which needs hundreds of persons born on one day in one county),
// the birth moves a day earlier; the date used is returned.
func (g *gen) residentID(hukou string, birth day, male bool) (ident.ResidentID, day) {
	ci := g.codes[hukou]
	for {
		k := ci*g.span + int(birth-g.first)
		if n := g.seqUsed[k]; n < 500 {
			g.seqUsed[k]++
			// Start each (place, day) at a scrambled code so that numbers
			// do not all end in 001 and 002.
			start := int(splitmix(uint64(k)) % 500)
			seq := 2 * ((start + int(n)) % 500)
			if male {
				seq++
			}
			return ident.NewResidentID(hukou, birth.date(), seq), birth
		}
		birth--
	}
}

// name makes a synthetic name: a common surname and one or two random
// given-name characters.
func (g *gen) name(s *stream, male bool) string {
	var b strings.Builder
	b.WriteString(surnames[g.surnameT.pick(s)].v)
	pool := femaleChars
	if male {
		pool = maleChars
	}
	n := 2
	if s.chance(0.28) {
		n = 1
	}
	for range n {
		if s.chance(0.15) {
			b.WriteRune(sharedChars[s.IntN(len(sharedChars))])
		} else {
			b.WriteRune(pool[s.IntN(len(pool))])
		}
	}
	return b.String()
}

// phone returns a synthetic mobile number in the 170 range (a virtual
// operators' segment), or "" for some, more often for the old.
func phone(s *stream, age int) string {
	pEmpty := 0.04
	if age >= 70 {
		pEmpty = 0.3
	}
	if s.chance(pEmpty) {
		return ""
	}
	b := []byte("17000000000")
	for i := 3; i < 11; i++ {
		b[i] = byte('0' + s.IntN(10))
	}
	return string(b)
}

// education draws the person's education by birth cohort, works out
// whether they are still in school and when they left it, and gives
// graduates of vocational college or higher their Graduation.
func (g *gen) education(s *stream, c *citizen) {
	bd := c.birth.date()
	row := 0
	for i, r := range educationByCohort {
		if bd.Y >= r.from {
			row = i
		}
	}
	target := g.eduT[row].pick(s)
	if c.migrant && target >= 4 && s.chance(0.45) {
		target = 2 + s.IntN(2) // fewer migrants have been to college
	}
	late := s.chance(0.15) // repeated a year or started late
	leave := schoolLeave(bd, target, late, s)
	c.edu = target
	if leave > g.today {
		// Still in school: the highest level completed so far.
		c.student = true
		c.edu = 2
		for l := target - 1; l > 2; l-- {
			if schoolLeave(bd, l, false, nil) <= g.today {
				c.edu = l
				break
			}
		}
		return
	}
	c.leave = leave
	if target < 4 {
		return
	}
	majors := vocationalMajors
	switch {
	case target == 5:
		majors = bachelorMajors
	case target >= 6:
		majors = masterMajors
	}
	c.major = &majors[s.IntN(len(majors))]
	province := "浙江"
	switch {
	case c.migrant && s.chance(0.55):
		province = origins[c.origin].province
	case !c.migrant && s.chance(0.12):
		province = origins[g.originT.pick(s)].province
	}
	c.p.Graduation = &registry.Graduation{
		School: g.schools.pick(s, province, target),
		Major:  c.major.name,
		Degree: registry.EducationLevels[target],
		Date:   leave.date(),
	}
}

// schoolLeave returns when a person born on birth leaves school having
// completed level: in June or July of the year they reach its usual age
// (a year later if born after August, the school-entry cutoff, or late);
// those leaving after primary or junior school enter working life at 16.
// With s nil it returns the earliest such date (for "completed yet?").
func schoolLeave(birth period.Date, level int, late bool, s *stream) day {
	if level <= 2 {
		d := dayOf(addYears(birth, 16))
		if s != nil {
			d += day(s.IntN(120))
		}
		return d
	}
	y := birth.Y + completionAge[level]
	if birth.M > 8 {
		y++
	}
	if late {
		y++
	}
	d := dayOf(period.Date{Y: y, M: 6, D: 20})
	if s != nil {
		d += day(s.IntN(21))
	}
	return d
}

// schoolPool holds a few synthetic schools per province and level, made
// once per seed so that graduates share schools.
type schoolPool struct {
	byKey map[string][]string // province + level -> names
}

func newSchoolPool(seed uint64, s *stream) schoolPool {
	s.reset(seed, aspectSchools, 0)
	p := schoolPool{byKey: map[string][]string{}}
	provinces := []string{"浙江"}
	for _, o := range origins {
		if o.province != "浙江" {
			provinces = append(provinces, o.province)
		}
	}
	for _, pr := range provinces {
		n := 2
		if pr == "浙江" {
			n = 6
		}
		for range n {
			p.add(pr, 4, pr+syllables(s)+"职业技术学院")
			p.add(pr, 5, pr+syllables(s)+oneOf(s, "大学", "学院", "理工学院", "科技学院"))
			if s.chance(0.5) {
				p.add(pr, 6, pr+syllables(s)+"大学")
			}
		}
		p.add(pr, 6, pr+syllables(s)+"大学")
	}
	// The city's own colleges.
	p.add("浙江", 4, "嘉兴"+syllables(s)+"职业技术学院")
	p.add("浙江", 5, "嘉兴"+syllables(s)+"学院")
	return p
}

func (p *schoolPool) add(province string, level int, name string) {
	k := province + string(rune('0'+level))
	p.byKey[k] = append(p.byKey[k], name)
}

// pick returns a school of the province for a degree of level (doctors
// come from the master's universities).
func (p *schoolPool) pick(s *stream, province string, level int) string {
	list := p.byKey[province+string(rune('0'+min(level, 6)))]
	return list[s.IntN(len(list))]
}
