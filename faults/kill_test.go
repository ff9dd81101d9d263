//go:build unix

package faults

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hrss/registry/ident"
	"hrss/rules/period"
)

// TestKillServeDuringWrites kills hrss serve with SIGKILL while four
// clients register persons, hire them and declare new wages through the
// JSON API. Afterwards every write that was answered 2xx is in the
// database as it was acknowledged (a declared wage is the acknowledged
// one or the one in flight at the kill), nothing is half-written (every
// person and relation has its audit entry and every audit entry its
// record), hrss check and hrss audit verify pass, and a new server
// accepts writes.
func TestKillServeDuringWrites(t *testing.T) {
	engines(t, testKillServe)
}

// acked is what the server acknowledged, and what was in flight.
type acked struct {
	mu        sync.Mutex
	persons   map[int64]ident.ResidentID
	relations map[int64]*relation
	refused   []string // answers other than 2xx that are not the kill
}

// relation is an acknowledged hire: its person, the last wage
// acknowledged and the one sent after it (in flight at the kill, or "").
type relation struct {
	person           int64
	wage, inFlight   string
	updates, pending int // acknowledged wage declarations, and one unanswered
}

const killAfter = 80 // acknowledged writes before the kill

func testKillServe(t *testing.T, e env) {
	e.must(t, "migrate")
	token := e.writerToken(t)
	srv := e.serve(t)
	ctx := context.Background()
	c := &http.Client{Timeout: 30 * time.Second}
	st, m, err := call(ctx, c, "POST", srv.url+"/api/v1/employers", token, map[string]any{
		"credit_code": string(ident.NewCreditCode('9', '1', "330402", 4711)), "name": "嘉兴故障测试有限公司",
		"industry_section": "C", "industry_division": "39", "division": "330402", "risk_class": 2})
	if err != nil || st != http.StatusCreated {
		t.Fatalf("employer: %d %v %v", st, m, err)
	}
	employer := int64(m["id"].(float64))

	ack := &acked{persons: map[int64]ident.ResidentID{}, relations: map[int64]*relation{}}
	var n atomic.Int64
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			writeStream(ctx, c, srv.url, token, employer, w, ack, &n)
		}()
	}
	for deadline := time.Now().Add(2 * time.Minute); n.Load() < killAfter && time.Now().Before(deadline); {
		time.Sleep(2 * time.Millisecond)
	}
	srv.kill(t)
	wg.Wait()
	if n.Load() < killAfter {
		t.Fatalf("only %d writes acknowledged before the kill\n%s", n.Load(), srv.logs.String())
	}
	if len(ack.refused) > 0 {
		t.Fatalf("writes refused before the kill: %v", ack.refused)
	}
	t.Logf("killed after %d acknowledged writes: %d persons, %d relations", n.Load(), len(ack.persons), len(ack.relations))

	checkAcked(t, e, ack)
	checkWhole(t, e)
	e.intact(t)

	srv = e.serve(t)
	st, m, err = call(ctx, c, "POST", srv.url+"/api/v1/persons", token, personBody(9, 0))
	if err != nil || st != http.StatusCreated {
		t.Fatalf("a write after the restart: %d %v %v", st, m, err)
	}
}

// personBody is the registration of person i of worker w: a generated
// resident ID unique to (w, i).
func personBody(w, i int) map[string]any {
	birth := period.Date{Y: 1980 + w, M: 1, D: 1}.AddDays(i)
	return map[string]any{"resident_id": string(ident.NewResidentID("330402", birth, 100+w)),
		"name": fmt.Sprintf("故障%d号%d", w, i), "residence_division": "330402"}
}

// writeStream registers, hires and re-declares the wage of one person
// after another until a request fails (the server was killed).
func writeStream(ctx context.Context, c *http.Client, url, token string, employer int64, w int, ack *acked, n *atomic.Int64) {
	refuse := func(what string, st int, m map[string]any) {
		ack.mu.Lock()
		ack.refused = append(ack.refused, fmt.Sprintf("%s: %d %v", what, st, m))
		ack.mu.Unlock()
	}
	for i := 0; ; i++ {
		body := personBody(w, i)
		st, m, err := call(ctx, c, "POST", url+"/api/v1/persons", token, body)
		if err != nil {
			return
		} else if st != http.StatusCreated {
			refuse("person", st, m)
			return
		}
		person := int64(m["id"].(float64))
		ack.mu.Lock()
		ack.persons[person] = ident.ResidentID(body["resident_id"].(string))
		ack.mu.Unlock()
		n.Add(1)

		hire := map[string]any{"person_id": person, "employer_id": employer, "start": "2025-01-01", "declared_wage": "6000.00"}
		st, m, err = call(ctx, c, "POST", url+"/api/v1/employments", token, hire)
		if err != nil {
			return
		} else if st != http.StatusCreated {
			refuse("hire", st, m)
			return
		}
		rel := &relation{person: person, wage: "6000.00"}
		id := int64(m["id"].(float64))
		ack.mu.Lock()
		ack.relations[id] = rel
		ack.mu.Unlock()
		n.Add(1)

		for k := 1; k <= 2; k++ {
			hire["declared_wage"] = fmt.Sprintf("%d.%02d", 6000+100*k, i%100)
			ack.mu.Lock()
			rel.inFlight, rel.pending = hire["declared_wage"].(string), 1
			ack.mu.Unlock()
			st, m, err = call(ctx, c, "PUT", fmt.Sprintf("%s/api/v1/employments/%d", url, id), token, hire)
			if err != nil {
				return
			} else if st != http.StatusOK {
				refuse("wage", st, m)
				return
			}
			ack.mu.Lock()
			rel.wage, rel.inFlight, rel.updates, rel.pending = rel.inFlight, "", rel.updates+1, 0
			ack.mu.Unlock()
			n.Add(1)
		}
	}
}

// checkAcked proves every acknowledged write is in the database as it
// was acknowledged.
func checkAcked(t *testing.T, e env, ack *acked) {
	t.Helper()
	x := e.sqlDB(t)
	key, err := ident.LoadKey("", e.key)
	if err != nil {
		t.Fatal(err)
	}
	vault, err := ident.NewVault(key)
	if err != nil {
		t.Fatal(err)
	}
	q := rebind(e, "SELECT id_hash FROM persons WHERE id = ?")
	for id, rid := range ack.persons {
		var h []byte
		if err := x.QueryRow(q, id).Scan(&h); err != nil {
			t.Fatalf("acknowledged person %d: %v", id, err)
		}
		if !bytes.Equal(h, vault.Hash(rid)) {
			t.Fatalf("acknowledged person %d has another resident ID's hash", id)
		}
	}
	q = rebind(e, "SELECT person_id, declared_wage FROM employments WHERE id = ?")
	qa := rebind(e, "SELECT count(*) FROM audit_entries WHERE action = 'employment.update' AND object = ?")
	for id, r := range ack.relations {
		var person, wage int64
		if err := x.QueryRow(q, id).Scan(&person, &wage); err != nil {
			t.Fatalf("acknowledged relation %d: %v", id, err)
		}
		got := fmt.Sprintf("%d.%02d", wage/100, wage%100)
		if person != r.person || (got != r.wage && got != r.inFlight) {
			t.Fatalf("relation %d: person %d, wage %s; acknowledged person %d, wage %s (in flight %q)", id, person, got, r.person, r.wage, r.inFlight)
		}
		if u := int(count(t, x, qa, fmt.Sprintf("employment/%d", id))); u < r.updates || u > r.updates+r.pending {
			t.Fatalf("relation %d: %d wage declarations audited, %d acknowledged (%d in flight)", id, u, r.updates, r.pending)
		}
	}
}

// checkWhole proves nothing is half-written: every person and relation
// has the audit entry of its creation, every such entry its record, and
// every relation its person and employer.
func checkWhole(t *testing.T, e env) {
	t.Helper()
	x := e.sqlDB(t)
	for what, q := range map[string]string{
		"persons without their audit entry": `SELECT count(*) FROM persons p WHERE NOT EXISTS
			(SELECT 1 FROM audit_entries a WHERE a.action = 'person.create' AND a.object = 'person/' || p.id)`,
		"relations without their audit entry": `SELECT count(*) FROM employments r WHERE NOT EXISTS
			(SELECT 1 FROM audit_entries a WHERE a.action = 'employment.create' AND a.object = 'employment/' || r.id)`,
		"audit entries of persons that do not exist": `SELECT count(*) FROM audit_entries a WHERE a.action = 'person.create'
			AND NOT EXISTS (SELECT 1 FROM persons p WHERE a.object = 'person/' || p.id)`,
		"audit entries of relations that do not exist": `SELECT count(*) FROM audit_entries a WHERE a.action IN ('employment.create', 'employment.update')
			AND NOT EXISTS (SELECT 1 FROM employments r WHERE a.object = 'employment/' || r.id)`,
		"relations without their person or employer": `SELECT count(*) FROM employments r
			WHERE NOT EXISTS (SELECT 1 FROM persons p WHERE p.id = r.person_id) OR NOT EXISTS (SELECT 1 FROM employers m WHERE m.id = r.employer_id)`,
	} {
		if n := count(t, x, q); n != 0 {
			t.Errorf("%d %s", n, what)
		}
	}
	if n := count(t, x, "SELECT count(*) FROM persons"); n == 0 {
		t.Fatal("no persons at all")
	}
}

// rebind turns ? placeholders into $n for PostgreSQL.
func rebind(e env, q string) string {
	if !isPostgres(e) {
		return q
	}
	var b []byte
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b = fmt.Appendf(b, "$%d", n)
			continue
		}
		b = append(b, q[i])
	}
	return string(b)
}
