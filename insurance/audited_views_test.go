package insurance_test

import (
	"sync"
	"testing"

	"hrss/access"
	"hrss/insurance"
	"hrss/store"
	"hrss/store/storetest"
)

// TestConcurrentAuditedViews: statements and lists of bills read by many
// callers at once, while monthly runs append to the same chain, each
// append their entry (read in a snapshot, the entries committed together,
// access.Journal): every view answered has its entry, and the chain
// verifies on both engines.
func TestConcurrentAuditedViews(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 20)
		if _, err := c.svc.Assess(system(), ym("2025-03"), insurance.AssessOptions{}); err != nil {
			t.Fatal(err)
		}
		const readers, each = 16, 6
		var wg sync.WaitGroup
		errs := make(chan error, readers*each+2)
		wg.Add(1)
		go func() { // audited writes meanwhile
			defer wg.Done()
			for _, p := range []string{"2025-04", "2025-05"} {
				_, err := c.svc.Assess(system(), ym(p), insurance.AssessOptions{})
				errs <- err
			}
		}()
		for r := range readers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					var err error
					if i%2 == 0 {
						_, err = c.svc.Statement(system(), int64(1+(r+i)%20))
					} else {
						_, err = c.svc.Bills(system(), insurance.BillFilter{Period: ym("2025-03"), PayerKind: insurance.PayerEmployer, PayerID: int64(1 + r%4)})
					}
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		audit := &access.Service{Store: db.Access()}
		for action, want := range map[string]int{"insurance.statement.view": readers * each / 2, "insurance.bills.list": readers * each / 2} {
			es, err := audit.ListAudit(system(), access.AuditFilter{Action: action, Limit: 1000})
			if err != nil || len(es) != want {
				t.Fatalf("%s: %d entries, want %d (%v)", action, len(es), want, err)
			}
		}
		r, err := audit.VerifyAudit(system())
		if err != nil || r.Breach != nil {
			t.Fatalf("audit verify: %+v %v", r, err)
		}
	})
}
