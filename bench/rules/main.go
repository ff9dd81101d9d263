// Command rules benchmarks the columnar rules engine of hrss: contribution
// assessment of N synthetic person-months with per-person division, kind,
// risk class, float, enrolled insurances and period, and a reform
// simulation over N persons (baseline and reform), printing total time, ns
// per person and allocations. Each is set beside its floors, measured in
// the same run: building the population beside a plain copy of the same
// columns; assessing beside seven fixed-rate lines over the wage column,
// and beside a hand-written NumPy version of the same work over the same
// inputs (peer.py, run when a python3 with NumPy is found; its totals must
// equal hrss's to the fen). It also times the per-person formula with and
// without its trace, and compares end to end with OpenFisca's stated
// figures for 1M persons (about 0.3 s of per-person parameter lookups plus
// 2 s to build a simulation, 2.3 s in all).
//
//	go run ./bench/rules [-n 1000000] [-seed 1] [-runs 5] [-cpuprofile FILE]
//
// The NumPy peer needs Debian's python3-numpy (apt-get install
// python3-numpy); HRSS_PYTHON names another interpreter to use instead.
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"syscall"
	"time"

	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/period"
)

// openFisca is OpenFisca's stated time for 1M persons on this machine:
// 0.3 s of parameter lookups plus 2 s to build a simulation.
const openFisca = 2300 * time.Millisecond

var divisions = []string{"330402", "330411", "330421", "330424", "330481", "330482", "330483"}

// reform is the what-if: a one-point rise of Zhejiang's employer pension
// rate from 2024.
const reform = `parameters:
  - name: pension.employer_rate
    jurisdiction: "330000"
    unit: rate
    values:
      - {from: 2024-01-01, value: "0.17", reference: what-if (benchmark), confidence: unverified}
`

func main() {
	n := flag.Int("n", 1_000_000, "persons (and person-months)")
	seed := flag.Uint64("seed", 1, "seed of the synthetic population")
	runs := flag.Int("runs", 5, "timed runs of each step (the median is reported)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench/rules:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(*n, *seed, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "bench/rules:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

// measure runs f once and returns its wall time, allocations and bytes,
// and the CPU time the process used meanwhile.
func measure(f func() error) (time.Duration, uint64, uint64, time.Duration, error) {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	cpu := cpuTime()
	start := time.Now()
	err := f()
	d := time.Since(start)
	cpu = cpuTime() - cpu
	runtime.ReadMemStats(&b)
	return d, b.Mallocs - a.Mallocs, b.TotalAlloc - a.TotalAlloc, cpu, err
}

// cpuTime returns the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// result is the median of several runs of one step.
type result struct {
	name          string
	persons       int
	d, cpu        time.Duration // wall and process CPU time
	allocs, bytes uint64
}

func median(name string, persons, runs int, f func() error) (result, error) {
	var rs []result
	for i := 0; i < runs; i++ {
		d, al, by, cpu, err := measure(f)
		if err != nil {
			return result{}, err
		}
		rs = append(rs, result{name, persons, d, cpu, al, by})
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].d < rs[j].d })
	return rs[len(rs)/2], nil
}

// step is one timed step of the benchmark; setup and teardown, if any,
// run around each timed run, outside the timing.
type step struct {
	name            string
	persons         int
	f               func() error
	setup, teardown func()
}

// interleaved times the steps in rounds, each step once a round, and
// returns each step's median: steps set beside each other see the same
// moments of a machine shared with other work, rather than one step a
// quiet second and the next a busy one.
func interleaved(runs int, steps ...step) ([]result, error) {
	rs := make([][]result, len(steps))
	for i := 0; i < runs; i++ {
		for k, s := range steps {
			if s.setup != nil {
				s.setup()
			}
			d, al, by, cpu, err := measure(s.f)
			if s.teardown != nil {
				s.teardown()
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %w", s.name, err)
			}
			rs[k] = append(rs[k], result{s.name, s.persons, d, cpu, al, by})
		}
	}
	out := make([]result, len(steps))
	for k, r := range rs {
		sort.Slice(r, func(i, j int) bool { return r[i].d < r[j].d })
		out[k] = r[len(r)/2]
		out[k].print()
	}
	return out, nil
}

func (r result) print() {
	fmt.Printf("%-46s %9s %8.1f ns/person  (cpu %9s) %9d allocs %7.1f MB\n", r.name, r.d.Round(10*time.Microsecond),
		float64(r.d.Nanoseconds())/float64(r.persons), r.cpu.Round(10*time.Microsecond), r.allocs, float64(r.bytes)/1e6)
}

// synthetic draws n person-months: division, kind (5% flexible), wage
// (2,500 to 40,000 yuan, skewed low), risk class, float, a period in 2025
// and, for one employee in 25, enrolment in pension and medical only.
func synthetic(n int, seed uint64) []rules.Person {
	r := rand.New(rand.NewPCG(seed, 2026))
	floats := []int{50, 80, 100, 100, 100, 120, 150}
	out := make([]rules.Person, n)
	for i := range out {
		w := 250_000 + r.Int64N(1_000_000) + r.Int64N(1_000_000)*r.Int64N(3)
		p := rules.Person{Division: divisions[r.IntN(len(divisions))], Kind: rules.KindEmployee,
			Wage: money.Fen(w), RiskClass: 1 + r.IntN(8), FloatPct: floats[r.IntN(len(floats))],
			Period: period.New(2025, 1+r.IntN(12))}
		if p.RiskClass == 1 && p.FloatPct < 100 {
			p.FloatPct = 100
		}
		if r.IntN(20) == 0 {
			p.Kind, p.RiskClass, p.FloatPct = rules.KindFlexible, 0, 0
		} else if r.IntN(25) == 0 {
			p.Enrolled = rules.EnrolledPension | rules.EnrolledMedical
		}
		out[i] = p
	}
	return out
}

// buildPopulation appends persons to a new population; one period for
// all when at is set (the simulation), each person's own otherwise.
func buildPopulation(persons []rules.Person, at period.YearMonth) (*rules.Population, error) {
	pop := rules.NewPopulation(len(persons))
	for _, p := range persons {
		if at != 0 {
			p.Period = 0
		}
		if err := pop.Append(p); err != nil {
			return nil, err
		}
	}
	return pop, nil
}

func run(n int, seed uint64, runs int) error {
	fmt.Printf("hrss rules engine benchmark: %d persons, %s, GOMAXPROCS %d, seed %d, median of %d runs\n\n",
		n, runtime.Version(), runtime.GOMAXPROCS(0), seed, runs)
	base, ref, err := loadParams()
	if err != nil {
		return err
	}
	persons := synthetic(n, seed)
	at := period.New(2025, 6)
	var f figures
	var pop *rules.Population
	var out rules.Assessment
	build := buildStep(persons, 0, "build population (person-months, Append)", &pop)
	rs, err := interleaved(runs, build, copyFloor(persons))
	if err != nil {
		return err
	}
	f.build, f.copy = rs[0], rs[1]
	floors, check := floorSteps(persons)
	assess, err := assessSteps(base, pop, at, &out)
	if err != nil {
		return err
	}
	if rs, err = interleaved(runs, append(assess, floors...)...); err != nil {
		return err
	}
	if err = check(); err != nil {
		return err
	}
	f.assess, f.assess1, f.floor, f.floorSigned, f.floorBefore = rs[0], rs[1], rs[2], rs[3], rs[4]
	f.peer, f.peerNote, err = runPeer(base, persons, &out, runs)
	if err != nil {
		return err
	}
	if f.buildSim, f.sim, f.rep, err = benchSimulate(base, ref, persons, at, runs); err != nil {
		return err
	}
	if f.perPerson, err = perPersonFormula(base, pop, at, min(n, 100_000), false); err != nil {
		return err
	}
	f.perPerson.print()
	if f.traced, err = perPersonFormula(base, pop, at, min(n, 20_000), true); err != nil {
		return err
	}
	f.traced.print()
	report(n, &f)
	return nil
}

// figures are the medians of one run of the benchmark.
type figures struct {
	build, copy, assess, assess1, floor, floorSigned, floorBefore result
	peer                                                          time.Duration // 0: not run
	peerNote                                                      string
	buildSim, sim, perPerson, traced                              result
	rep                                                           *rules.SimReport
}

// copyFloor is the least building a population must do: copy the
// fields of each row into columns of their own (allocated as Append's
// are), with no check, no interning of division codes, no defaults.
func copyFloor(persons []rules.Person) step {
	n := len(persons)
	return step{name: "floor: plain copy of the same columns", persons: n, f: func() error {
		div, kind, wage := make([]string, n), make([]rules.Kind, n), make([]money.Fen, n)
		risk, float, per, enr := make([]uint8, n), make([]uint16, n), make([]period.YearMonth, n), make([]rules.Enrolled, n)
		for i := range persons {
			p := &persons[i]
			div[i], kind[i], wage[i], risk[i] = p.Division, p.Kind, p.Wage, uint8(p.RiskClass)
			float[i], per[i], enr[i] = uint16(p.FloatPct), p.Period, p.Enrolled
		}
		if got := len(div) + len(kind) + len(wage) + len(risk) + len(float) + len(per) + len(enr); got != 7*n {
			return fmt.Errorf("copy floor: %d values", got)
		}
		return nil
	}}
}

// floorRates are the fixed rates of the floor, parts per million.
var floorRates = [7]uint64{80_000, 160_000, 20_000, 75_000, 5_000, 5_000, 2_000}

// floorSteps are the least an assessment must do: for each row, seven
// lines of wage × a fixed rate, rounded half-up to the fen, summed. What
// the engine adds on top (parameters per division and period, floor and
// ceiling, work-injury classes and floats, enrolled insurances, the base
// and lines of every row written out, per-division totals) is its cost
// over this floor. The floor is written as tightly as the engine's loop:
// the rates held in registers (read from a variable, not folded into the
// code as constants), the seven lines written out, and the same unsigned
// half-up arithmetic (wages are never negative). Beside it, for
// reference, the same with money.Fen.MulRatePPM's signed arithmetic, and
// the floor as this benchmark measured it before (a range over an array
// of rates, which Go copies for every row, with MulRatePPM). check
// fails if the three totals differ.
func floorSteps(persons []rules.Person) (steps []step, check func() error) {
	wages := make([]money.Fen, len(persons))
	for i, p := range persons {
		wages[i] = p.Wage
	}
	n := len(persons)
	r0, r1, r2, r3, r4, r5, r6 := floorRates[0], floorRates[1], floorRates[2], floorRates[3], floorRates[4], floorRates[5], floorRates[6]
	const h, d = 500_000, 1_000_000
	s0, s1, s2, s3, s4, s5, s6 := int64(r0), int64(r1), int64(r2), int64(r3), int64(r4), int64(r5), int64(r6)
	var sinks [3]uint64
	steps = []step{
		{name: "floor: 7 fixed-rate lines over the wages", persons: n, f: func() error {
			var total uint64
			for _, w := range wages {
				b := uint64(w)
				total += (b*r0+h)/d + (b*r1+h)/d + (b*r2+h)/d + (b*r3+h)/d + (b*r4+h)/d + (b*r5+h)/d + (b*r6+h)/d
			}
			sinks[0] = total
			return nil
		}},
		{name: "  the same, signed (money.Fen.MulRatePPM)", persons: n, f: func() error {
			var total money.Fen
			for _, w := range wages {
				total += w.MulRatePPM(s0) + w.MulRatePPM(s1) + w.MulRatePPM(s2) + w.MulRatePPM(s3) + w.MulRatePPM(s4) + w.MulRatePPM(s5) + w.MulRatePPM(s6)
			}
			sinks[1] = uint64(total)
			return nil
		}},
		{name: "  the floor as measured before", persons: n, f: func() error {
			ppm := [7]int64{80_000, 160_000, 20_000, 75_000, 5_000, 5_000, 2_000} // as it was written
			var total money.Fen
			for _, w := range wages {
				for _, r := range ppm {
					total += w.MulRatePPM(r)
				}
			}
			sinks[2] = uint64(total)
			return nil
		}},
	}
	return steps, func() error {
		if sinks[0] != sinks[1] || sinks[0] != sinks[2] {
			return fmt.Errorf("floor: totals %v differ", sinks)
		}
		return nil
	}
}

// loadParams loads the embedded parameters and the reform, timed.
func loadParams() (base, ref *rules.Params, err error) {
	load, _, _, _, err := measure(func() (err error) {
		if base, err = rules.Embedded(); err != nil {
			return err
		}
		ref, err = base.Overlay("reform.yaml", []byte(reform))
		return err
	})
	fmt.Printf("%-44s %10s\n", "load parameters and reform overlay", load.Round(10*time.Microsecond))
	return base, ref, err
}

// buildStep builds a population of persons into *pop; one period for
// all when at is set (the simulation), each person's own otherwise.
func buildStep(persons []rules.Person, at period.YearMonth, name string, pop **rules.Population) step {
	return step{name: name, persons: len(persons), f: func() (err error) {
		*pop, err = buildPopulation(persons, at)
		return err
	}}
}

// assessSteps assess pop into out on all processors and on one.
func assessSteps(base *rules.Params, pop *rules.Population, at period.YearMonth, out *rules.Assessment) ([]step, error) {
	if err := base.Assess(pop, at, out); err != nil { // sizes the output slices
		return nil, err
	}
	assess := func() error { return base.Assess(pop, at, out) }
	procs := runtime.GOMAXPROCS(0)
	return []step{
		{name: "assess person-months (12 periods, 7 divisions)", persons: pop.Len(), f: assess},
		{name: "  the same on one processor (GOMAXPROCS 1)", persons: pop.Len(), f: assess,
			setup: func() { runtime.GOMAXPROCS(1) }, teardown: func() { runtime.GOMAXPROCS(procs) }},
	}, nil
}

// benchSimulate times building the persons and simulating the reform.
func benchSimulate(base, ref *rules.Params, persons []rules.Person, at period.YearMonth, runs int) (build, sim result, rep *rules.SimReport, err error) {
	var pop *rules.Population
	rs, err := interleaved(runs, buildStep(persons, at, "build population (persons, Append)", &pop))
	if err != nil {
		return
	}
	build = rs[0]
	sim, err = median("simulate reform (baseline + reform)", len(persons), runs, func() (err error) {
		rep, err = rules.Simulate(base, ref, pop, at)
		return err
	})
	sim.print()
	return
}

// perPersonFormula times the decimal per-person formula on the first m
// rows, with its trace or without, for comparison with the columnar loop
// (the median of runs passes over the rows).
func perPersonFormula(p *rules.Params, pop *rules.Population, at period.YearMonth, m int, explain bool) (result, error) {
	ins := make([]rules.ContributionInput, m)
	for i := range ins {
		ins[i] = pop.Input(i, at)
	}
	name := fmt.Sprintf("per-person decimal formula (%d rows)", m)
	if explain {
		name = fmt.Sprintf("per-person formula with trace (%d rows)", m)
	}
	return median(name, m, 3, func() error {
		for _, in := range ins {
			if _, err := p.Contribution(in, explain); err != nil {
				return err
			}
		}
		return nil
	})
}

func report(n int, f *figures) {
	of := time.Duration(float64(openFisca) * float64(n) / 1e6)
	fmt.Printf("\nEnd to end, build + evaluate (wall time; CPU time in brackets, which a busy machine does not inflate):\n")
	line := func(what string, b, e result) {
		wall, cpu := b.d+e.d, b.cpu+e.cpu
		fmt.Printf("  %-40s %8s %7.1f ns/person  (cpu %8s %6.1f ns/person)  %4.0fx (cpu %4.0fx) faster than OpenFisca\n",
			what, wall.Round(time.Millisecond), float64(wall.Nanoseconds())/float64(n),
			cpu.Round(time.Millisecond), float64(cpu.Nanoseconds())/float64(n), float64(of)/float64(wall), float64(of)/float64(max(cpu, 1)))
	}
	line(fmt.Sprintf("assessment of %d person-months", n), f.build, f.assess)
	line(fmt.Sprintf("reform simulation of %d persons", n), f.buildSim, f.sim)
	fmt.Printf("  OpenFisca's stated figure for %d persons: %s (0.3 s lookups + 2 s build per 1M); target >= 10x\n", n, of.Round(time.Millisecond))
	pe := f.rep.Total.Lines[rules.PensionEmployer]
	fmt.Printf("\nSimulation check: %d persons, %d affected, employer pension %s -> %s (difference %s)\n",
		f.rep.Persons, f.rep.Affected, pe.Baseline, pe.Reform, pe.Difference)

	ratio := func(a, b time.Duration) float64 { return float64(a) / float64(max(b, 1)) }
	mark := func(ok bool) string {
		if ok {
			return "met"
		}
		return "NOT MET"
	}
	fmt.Printf("\nAgainst the floors and the peer measured in this run (wall time, median of each):\n")
	b := ratio(f.build.d, f.copy.d)
	fmt.Printf("  build population   %5.2fx a plain copy of the same columns                  goal <= 1.5x: %s\n", b, mark(b <= 1.5))
	a := ratio(f.assess.d, f.floor.d)
	fmt.Printf("  assessment         %5.2fx the fixed-rate floor (one processor %.2fx)          goal <= 1.5x: %s\n",
		a, ratio(f.assess1.d, f.floor.d), mark(a <= 1.5))
	fmt.Printf("                     (%.2fx the floor with signed arithmetic, %.2fx the floor as measured before)\n",
		ratio(f.assess.d, f.floorSigned.d), ratio(f.assess.d, f.floorBefore.d))
	fmt.Printf("  simulation         %5.2fx the fixed-rate floor (baseline and reform)\n", ratio(f.sim.d, f.floor.d))
	if f.peer == 0 {
		fmt.Printf("  NumPy peer         %s\n", f.peerNote)
	} else {
		p := ratio(f.peer, f.assess.d)
		fmt.Printf("  NumPy peer         %5.2fx hrss's time (one processor %.2fx), totals equal to the fen   goal >= 3x: %s\n",
			p, ratio(f.peer, f.assess1.d), mark(p >= 3))
	}
	fmt.Printf("  per person, trace  %5.2f µs (without trace %.2f µs)\n",
		float64(f.traced.d.Nanoseconds())/float64(f.traced.persons)/1e3, float64(f.perPerson.d.Nanoseconds())/float64(f.perPerson.persons)/1e3)
}
