// Command rules benchmarks the columnar rules engine of hrss: contribution
// assessment of N synthetic person-months with per-person division, kind,
// risk class, float and period, and a reform simulation over N persons
// (baseline and reform), printing total time, ns per person and
// allocations, and the ratio to OpenFisca's stated figures for 1M persons
// (about 0.3 s of per-person parameter lookups plus 2 s to build a
// simulation, 2.3 s in all).
//
//	go run ./bench/rules [-n 1000000] [-seed 1] [-runs 5]
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
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
	flag.Parse()
	if err := run(*n, *seed, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "bench/rules:", err)
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

func (r result) print() {
	fmt.Printf("%-46s %9s %8.1f ns/person  (cpu %9s) %9d allocs %7.1f MB\n", r.name, r.d.Round(10*time.Microsecond),
		float64(r.d.Nanoseconds())/float64(r.persons), r.cpu.Round(10*time.Microsecond), r.allocs, float64(r.bytes)/1e6)
}

// synthetic draws n person-months: division, kind (5% flexible), wage
// (2,500 to 40,000 yuan, skewed low), risk class, float and a period in 2025.
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
	bAssess, assess, pop, err := benchAssess(base, persons, at, runs)
	if err != nil {
		return err
	}
	bSim, sim, rep, err := benchSimulate(base, ref, persons, at, runs)
	if err != nil {
		return err
	}
	perPerson, err := perPersonFormula(base, pop, at, min(n, 100_000))
	if err != nil {
		return err
	}
	perPerson.print()
	fl, err := floorPass(persons, runs)
	if err != nil {
		return err
	}
	fl.print()
	report(n, bAssess, assess, bSim, sim, rep)
	fmt.Printf("\nAgainst the floor measured in this run (the same seven lines at fixed rates over the wage column:\n"+
		"no parameters, no clamping, no divisions): assessment %.1fx the floor, simulation %.1fx\n",
		float64(assess.d)/float64(max(fl.d, 1)), float64(sim.d)/float64(max(fl.d, 1)))
	return nil
}

// floorPass times the least an assessment must do: for each row, seven
// lines of wage × a fixed rate, rounded half-up to the fen, summed. What
// the engine adds on top (parameters per division and period, floor and
// ceiling, work-injury classes and floats, per-division totals) is its
// cost over this floor.
func floorPass(persons []rules.Person, runs int) (result, error) {
	wages := make([]money.Fen, len(persons))
	for i, p := range persons {
		wages[i] = p.Wage
	}
	ppm := [7]int64{80_000, 160_000, 20_000, 75_000, 5_000, 5_000, 2_000}
	var sink money.Fen
	r, err := median("floor: 7 fixed-rate lines over the wages", len(persons), runs, func() error {
		var total money.Fen
		for _, w := range wages {
			for _, r := range ppm {
				total += w.MulRatePPM(r)
			}
		}
		sink = total
		return nil
	})
	if sink < 0 {
		return r, fmt.Errorf("floor: negative total")
	}
	return r, err
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

// benchAssess times building the person-months and assessing them.
func benchAssess(base *rules.Params, persons []rules.Person, at period.YearMonth, runs int) (build, assess result, pop *rules.Population, err error) {
	n := len(persons)
	if build, err = median("build population (person-months, Append)", n, runs, func() (err error) {
		pop, err = buildPopulation(persons, 0)
		return err
	}); err != nil {
		return
	}
	build.print()
	var out rules.Assessment
	if err = base.Assess(pop, at, &out); err != nil { // sizes the output slices
		return
	}
	assess, err = median("assess person-months (12 periods, 7 divisions)", n, runs, func() error {
		return base.Assess(pop, at, &out)
	})
	assess.print()
	return
}

// benchSimulate times building the persons and simulating the reform.
func benchSimulate(base, ref *rules.Params, persons []rules.Person, at period.YearMonth, runs int) (build, sim result, rep *rules.SimReport, err error) {
	n := len(persons)
	var pop *rules.Population
	if build, err = median("build population (persons, Append)", n, runs, func() (err error) {
		pop, err = buildPopulation(persons, at)
		return err
	}); err != nil {
		return
	}
	build.print()
	sim, err = median("simulate reform (baseline + reform)", n, runs, func() (err error) {
		rep, err = rules.Simulate(base, ref, pop, at)
		return err
	})
	sim.print()
	return
}

// perPersonFormula times the decimal per-person formula (no trace) on the
// first m rows, for comparison with the columnar loop.
func perPersonFormula(p *rules.Params, pop *rules.Population, at period.YearMonth, m int) (result, error) {
	ins := make([]rules.ContributionInput, m)
	for i := range ins {
		ins[i] = pop.Input(i, at)
	}
	d, al, by, cpu, err := measure(func() error {
		for _, in := range ins {
			if _, err := p.Contribution(in, false); err != nil {
				return err
			}
		}
		return nil
	})
	return result{fmt.Sprintf("per-person decimal formula (%d rows)", m), m, d, cpu, al, by}, err
}

func report(n int, bAssess, assess, bSim, sim result, rep *rules.SimReport) {
	of := time.Duration(float64(openFisca) * float64(n) / 1e6)
	fmt.Printf("\nEnd to end, build + evaluate (wall time; CPU time in brackets, which a busy machine does not inflate):\n")
	line := func(what string, b, e result) {
		wall, cpu := b.d+e.d, b.cpu+e.cpu
		fmt.Printf("  %-40s %8s %7.1f ns/person  (cpu %8s %6.1f ns/person)  %4.0fx (cpu %4.0fx) faster than OpenFisca\n",
			what, wall.Round(time.Millisecond), float64(wall.Nanoseconds())/float64(n),
			cpu.Round(time.Millisecond), float64(cpu.Nanoseconds())/float64(n), float64(of)/float64(wall), float64(of)/float64(max(cpu, 1)))
	}
	line(fmt.Sprintf("assessment of %d person-months", n), bAssess, assess)
	line(fmt.Sprintf("reform simulation of %d persons", n), bSim, sim)
	fmt.Printf("  OpenFisca's stated figure for %d persons: %s (0.3 s lookups + 2 s build per 1M); target >= 10x\n", n, of.Round(time.Millisecond))
	pe := rep.Total.Lines[rules.PensionEmployer]
	fmt.Printf("\nSimulation check: %d persons, %d affected, employer pension %s -> %s (difference %s)\n",
		rep.Persons, rep.Affected, pe.Baseline, pe.Reform, pe.Difference)
}
