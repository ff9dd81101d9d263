// Package insured writes the benchmarks' insured population through the
// store's bulk writer (COPY on PostgreSQL): n insured persons, employees
// of a number of employers and one in twenty a flexible worker, every one
// insured in every month from 2020 on. bench/assess and bench/scale share
// it, so that their figures are over the same rows.
package insured

import (
	"context"
	"fmt"
	"time"

	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules/money"
	"hrss/rules/period"
	"hrss/store"
)

// Divisions are the county-level divisions the population lives in.
var Divisions = []string{"330402", "330411", "330421", "330424", "330481", "330482", "330483"}

// Populate writes employers, persons, employment relations and flexible
// enrolments, deterministic for (n, employers), calling progress (if not
// nil) after each batch of persons.
func Populate(ctx context.Context, db *store.DB, n, employers int, progress func(done, total int)) error {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	bulk := db.Bulk()
	var emps []registry.Employer
	for i := 1; i <= employers; i++ {
		div := Divisions[i%len(Divisions)]
		emps = append(emps, registry.Employer{ID: int64(i), CreditCode: ident.NewCreditCode('9', '1', div, uint64(i)), Name: fmt.Sprintf("E%d", i),
			IndustrySection: "C", IndustryDivision: "13", Division: div, RiskClass: 1 + i%8, RiskFloat: money.MustDec("1"), CreatedAt: now, UpdatedAt: now})
	}
	if err := bulk.Employers(ctx, emps); err != nil {
		return err
	}
	const batch = 100_000
	for lo := 1; lo <= n; lo += batch {
		hi := min(lo+batch-1, n)
		var ps []registry.SealedPerson
		var jobs []registry.Employment
		var flex []registry.FlexibleWorker
		for i := lo; i <= hi; i++ {
			div := Divisions[i%len(Divisions)]
			key := personKey(int64(i))
			ps = append(ps, registry.SealedPerson{Person: registry.Person{ID: int64(i), Name: "P", Sex: "male", Birth: period.Date{Y: 1960 + i%45, M: 1 + i%12, D: 1},
				HukouDivision: div, ResidenceDivision: div, Education: registry.EduSenior, CreatedAt: now, UpdatedAt: now}, IDSealed: key, IDHash: key})
			if i%20 == 0 {
				flex = append(flex, registry.FlexibleWorker{ID: int64(i), PersonID: int64(i), Division: div, Start: period.Date{Y: 2020, M: 1, D: 1},
					BasePct: []int{60, 100, 150, 200, 300}[i%5], CreatedAt: now, UpdatedAt: now})
				continue
			}
			jobs = append(jobs, registry.Employment{ID: int64(i), PersonID: int64(i), EmployerID: int64(1 + (i*7919)%employers), Start: period.Date{Y: 2015, M: 1 + i%12, D: 1},
				DeclaredWage: money.Fen(300_000 + (int64(i)*104_729)%2_800_000), Insurances: registry.AllInsurances, CreatedAt: now, UpdatedAt: now})
		}
		for _, err := range []error{bulk.Persons(ctx, ps), bulk.Employments(ctx, jobs), bulk.Flexible(ctx, flex)} {
			if err != nil {
				return err
			}
		}
		if progress != nil {
			progress(hi, n)
		}
	}
	return bulk.Finish(ctx)
}

// PayerCode is the code a collection file names payer id of kind by: an
// employer's credit code, a flexible worker's resident-ID hash in hex
// (the population's hash is its person's key).
func PayerCode(employer bool, id int64) string {
	if employer {
		return string(ident.NewCreditCode('9', '1', Divisions[id%int64(len(Divisions))], uint64(id)))
	}
	return fmt.Sprintf("%x", personKey(id))
}

// personKey is the sealed ID and hash of person i: the benchmarks never
// reveal them, so a key unique per person stands for both.
func personKey(i int64) []byte { return []byte(fmt.Sprintf("%016x", i)) }
