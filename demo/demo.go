// Package demo generates the synthetic city: a deterministic, Jiaxing-like
// population of persons with employers, employment histories back to the
// 1990s, flexible workers, retirees, recent graduates and unemployed
// people, for demos, tests and benchmarks.
//
// Everything is generated: names from common surnames and random given-name
// characters, resident ID numbers and credit codes built by registry/ident
// for synthetic people and organisations, employer and school names from
// random syllables. Nothing describes a real person or company on purpose.
//
// The shape (age pyramid, population by division, migrants' origins,
// education by cohort, industries, wages) is an approximation, documented
// beside each table in city.go and industry.go; it is not official data.
//
// # Determinism
//
// Generate writes the same rows for the same (Persons, Seed, AsOf), except
// the sealed resident ID bytes (the Vault seals under a random nonce; the
// numbers inside and their hashes are the same). Randomness comes from
// streams seeded per (aspect, index) (see random.go): person i's rows
// depend only on the seed, i and the employer table, never on the batch
// size, map order, the clock or goroutine scheduling.
//
// # Extending
//
// Later generators (contribution history, job seekers, vacancies) take a
// new aspect in random.go so that every existing row stays unchanged, read
// the citizen (persons.go: the person with the latent traits behind their
// rows, such as ability, situation, retirement date) and the employer pool
// (employers.go: industry, division, size), are called from gen.person
// after the career, and add their rows to batch. A Sink gains their rows through an extra optional interface
// checked with a type assertion, so that existing sinks keep working.
package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules/period"
)

// Config chooses the city to generate.
type Config struct {
	Persons int         // number of persons, at least 1
	Seed    uint64      // the same seed gives the same city
	AsOf    period.Date // the city's "today": callers pass the real date, tests a fixed one
}

// Sink receives the generated rows in batches, their IDs assigned (persons
// 1..N, employers 1..E, relations and enrolments numbered in order):
// employers first, then for each batch of persons their persons, their
// employment relations and their flexible-worker enrolments, then Finish.
// *store.Bulk satisfies it.
//
// The slices are reused for the next batch once a method returns: a Sink
// that keeps rows must copy them (appending the elements to its own slice
// is enough; the elements' own strings and byte slices are never reused).
type Sink interface {
	Persons(ctx context.Context, ps []registry.SealedPerson) error
	Employers(ctx context.Context, es []registry.Employer) error
	Employments(ctx context.Context, es []registry.Employment) error
	Flexible(ctx context.Context, fs []registry.FlexibleWorker) error
	Finish(ctx context.Context) error
}

// BatchSize is the number of persons generated and written per batch.
const BatchSize = 5000

// Summary describes the generated city. It is a pure function of the
// Config: printing it twice for one Config gives the same text.
type Summary struct {
	Seed uint64      `json:"seed"`
	AsOf period.Date `json:"as_of"`

	// Rows written.
	Persons     int `json:"persons"`
	Employers   int `json:"employers"`
	Employments int `json:"employments"`
	Flexible    int `json:"flexible"` // flexible-worker enrolments, past and current

	// Persons by situation on AsOf.
	WorkingAge          int `json:"working_age"`          // 16 to the statutory retirement age
	Employed            int `json:"employed"`             // with an open employment relation
	FlexibleActive      int `json:"flexible_active"`      // with an open flexible-worker enrolment
	Unemployed          int `json:"unemployed"`           // working age, last relation ended involuntarily, no job or enrolment now
	Students            int `json:"students"`             // still in school (16+)
	Retirees            int `json:"retirees"`             // past the statutory retirement age, last relation ended by retirement
	Graduates           int `json:"graduates"`            // left school (vocational college or higher) within the last 2 years
	UnemployedGraduates int `json:"unemployed_graduates"` // of those, without a job or flexible enrolment now
	Migrants            int `json:"migrants"`             // household registration outside Jiaxing
	Male                int `json:"male"`
	Female              int `json:"female"`

	Ages      []Count         `json:"ages"`      // persons by age group on AsOf
	Divisions []DivisionCount `json:"divisions"` // by county-level division
}

// Count is a number of persons in a labelled group.
type Count struct {
	Label string `json:"label"`
	N     int    `json:"n"`
}

// DivisionCount counts residents, employed residents and employers of one
// county-level division.
type DivisionCount struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Persons   int    `json:"persons"`
	Employed  int    `json:"employed"`
	Employers int    `json:"employers"`
}

// ageGroups are the upper bounds (exclusive) of the Summary's age groups.
var ageGroups = []struct {
	label string
	below int
}{{"16-24", 25}, {"25-34", 35}, {"35-44", 45}, {"45-54", 55}, {"55-64", 65}, {"65-74", 75}, {"75+", 200}}

// Generate generates the city of cfg, seals resident ID numbers with
// vault, and writes the rows to sink batch by batch, calling progress
// (if not nil) with the persons done and the total after each batch. It
// holds the employers and one or two batches of persons in memory, never
// the whole city.
//
// It fails if cfg is invalid (Persons < 1, AsOf not a real date from 2000
// on) or vault is nil, and returns the first error of the sink or of ctx,
// having written some batches but not the rest: the caller discards a
// half-written database.
func Generate(ctx context.Context, cfg Config, vault *ident.Vault, sink Sink, progress func(done, total int)) (Summary, error) {
	if cfg.Persons < 1 {
		return Summary{}, fmt.Errorf("demo: %d persons: generate at least 1", cfg.Persons)
	}
	if !period.Valid(cfg.AsOf.Y, cfg.AsOf.M, cfg.AsOf.D) || cfg.AsOf.Y < 2000 {
		return Summary{}, fmt.Errorf("demo: as-of date %q is not a real date from 2000 on", cfg.AsOf)
	}
	if vault == nil || sink == nil {
		return Summary{}, errors.New("demo: a vault and a sink are required")
	}
	g := newGen(cfg, vault)

	emps := g.employers()
	for lo := 0; lo < len(emps); lo += BatchSize {
		if err := sink.Employers(ctx, emps[lo:min(lo+BatchSize, len(emps))]); err != nil {
			return Summary{}, fmt.Errorf("demo: writing employers: %w", err)
		}
	}
	g.sum.Employers = len(emps)
	for i := range emps {
		g.divCount[g.pool.info[i].div].Employers++
	}
	emps = nil // the pool keeps what persons need

	// One goroutine generates batches while this one writes them; batches
	// go through the channel in order, so the output does not depend on
	// scheduling. Three buffers circulate: memory stays bounded.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	full := make(chan *batch, 1)
	free := make(chan *batch, 3)
	for range cap(free) {
		free <- &batch{}
	}
	go func() {
		defer close(full)
		for lo := 0; lo < cfg.Persons; lo += BatchSize {
			var b *batch
			select {
			case b = <-free:
			case <-ctx.Done():
				return
			}
			b.reset()
			for i := lo; i < min(lo+BatchSize, cfg.Persons); i++ {
				g.person(i, b)
			}
			b.done = min(lo+BatchSize, cfg.Persons)
			select {
			case full <- b:
			case <-ctx.Done():
				return
			}
		}
	}()
	var err error
	for b := range full {
		if err == nil {
			if err = write(ctx, sink, b); err != nil {
				cancel()
			} else if progress != nil {
				progress(b.done, cfg.Persons)
			}
		}
		free <- b
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return Summary{}, err
	}
	if err := sink.Finish(ctx); err != nil {
		return Summary{}, fmt.Errorf("demo: finishing: %w", err)
	}
	return g.summary(), nil
}

// write hands one batch to the sink.
func write(ctx context.Context, sink Sink, b *batch) error {
	if err := sink.Persons(ctx, b.persons); err != nil {
		return fmt.Errorf("demo: writing persons: %w", err)
	}
	if len(b.employments) > 0 {
		if err := sink.Employments(ctx, b.employments); err != nil {
			return fmt.Errorf("demo: writing employment relations: %w", err)
		}
	}
	if len(b.flexible) > 0 {
		if err := sink.Flexible(ctx, b.flexible); err != nil {
			return fmt.Errorf("demo: writing flexible workers: %w", err)
		}
	}
	return nil
}

// batch holds the rows of one batch of persons.
type batch struct {
	persons     []registry.SealedPerson
	employments []registry.Employment
	flexible    []registry.FlexibleWorker
	done        int // persons generated so far, this batch included
}

func (b *batch) reset() {
	clear(b.persons) // drop references to the previous batch's strings
	clear(b.employments)
	clear(b.flexible)
	b.persons, b.employments, b.flexible = b.persons[:0], b.employments[:0], b.flexible[:0]
}

// china is the zone of the city's clock; timestamps of generated rows are
// midnight there.
var china = time.FixedZone("CST", 8*60*60)

func midnight(d period.Date) time.Time {
	return time.Date(d.Y, time.Month(d.M), d.D, 0, 0, 0, 0, china)
}
