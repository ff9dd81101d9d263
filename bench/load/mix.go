package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"
)

// kind is one kind of request of the mix: its weight, the route it
// takes (for the floor's handler) and how a client makes one.
type kind struct {
	name    string
	weight  int
	write   bool
	pattern string // the route, as the standard library's mux writes it
	make    func(c *client) request
}

// kinds is the mix. The pension estimate is the screen (/pension): the
// API has no route of its own for it, and the screen is how citizens
// and caseworkers ask for it.
var kinds = []kind{
	{"search", 20, false, "GET /api/v1/persons", (*client).search},
	{"person", 18, false, "GET /api/v1/persons/{id}", (*client).person},
	{"statement", 14, false, "GET /api/v1/persons/{id}/statement", (*client).statement},
	{"pension", 10, false, "GET /pension", (*client).pension},
	{"bills", 14, false, "GET /api/v1/bills", (*client).bills},
	{"hire", 8, true, "POST /api/v1/employments", (*client).hire},
	{"wage", 10, true, "PUT /api/v1/employments/{id}", (*client).wage},
	{"import", 6, true, "POST /api/v1/collections", (*client).importFile},
}

// runKind names the monthly run in the figures.
const runKind = "monthly run"

// client is one concurrent client: its own choices, its own citizen and
// employer agent, the relations it hired (whose wages it declares).
type client struct {
	id    int
	rng   *rand.Rand
	fx    *fixtures
	led   *ledger // nil against the floor: nothing is recorded
	hires []hired
	today string
}

// hired is a relation a client recorded, as last answered.
type hired struct {
	ID         int64  `json:"id"`
	PersonID   int64  `json:"person_id"`
	EmployerID int64  `json:"employer_id"`
	Start      string `json:"start"`
	Wage       string `json:"declared_wage"`
	UpdatedAt  string `json:"updated_at"`
}

func newClient(id int, seed int64, fx *fixtures, led *ledger) *client {
	return &client{id: id, rng: rand.New(rand.NewPCG(uint64(seed), uint64(id))), fx: fx, led: led, today: time.Now().Format("2006-01-02")}
}

// next picks the next request by the kinds' weights.
func (c *client) next() request {
	total := 0
	for _, k := range kinds {
		total += k.weight
	}
	n := c.rng.IntN(total)
	for _, k := range kinds {
		if n -= k.weight; n < 0 {
			r := k.make(c)
			if r.kind == "" {
				r.kind = k.name
			}
			return r
		}
	}
	panic("unreachable")
}

func (c *client) citizen() user { return c.fx.citizens[c.id%len(c.fx.citizens)] }
func (c *client) agent() user   { return c.fx.agents[c.id%len(c.fx.agents)] }
func (c *client) anyone() person {
	return c.fx.persons[c.rng.IntN(len(c.fx.persons))]
}

// staff is the city-wide caseworker or the reviewer, by turns.
func (c *client) staff() user {
	if c.rng.IntN(2) == 0 {
		return c.fx.reviewer
	}
	return c.fx.caseworker
}

// search looks a person up by resident ID, by a name's first two
// characters or by division, as the search screen does.
func (c *client) search() request {
	p := c.anyone()
	q := url.Values{"limit": {"20"}}
	switch c.rng.IntN(3) {
	case 0: // by a whole number (lists give them masked): one of those revealed in setup
		if len(c.fx.known) > 0 {
			p = c.fx.known[c.rng.IntN(len(c.fx.known))]
		}
		q.Set("resident_id", p.ResidentID)
	case 1:
		q.Set("name", string([]rune(p.Name)[:min(2, len([]rune(p.Name)))]))
	default:
		q.Set("division", p.Division)
	}
	return request{method: "GET", path: "/api/v1/persons?" + q.Encode(), token: c.staff().token}
}

// ownOrStaff is a citizen asking about themselves (one time in three) or
// staff about anyone.
func (c *client) ownOrStaff() (int64, string) {
	if c.rng.IntN(3) == 0 {
		u := c.citizen()
		return u.PersonID, u.token
	}
	return c.anyone().ID, c.staff().token
}

func (c *client) person() request {
	id, tok := c.ownOrStaff()
	return request{method: "GET", path: fmt.Sprintf("/api/v1/persons/%d", id), token: tok}
}

func (c *client) statement() request {
	id, tok := c.ownOrStaff()
	return request{method: "GET", path: fmt.Sprintf("/api/v1/persons/%d/statement", id), token: tok}
}

func (c *client) pension() request {
	id, tok := c.ownOrStaff()
	return request{method: "GET", path: fmt.Sprintf("/pension?person=%d", id), token: tok}
}

func (c *client) bills() request {
	ag := c.agent()
	return request{method: "GET", path: fmt.Sprintf("/api/v1/bills?payer_id=%d", ag.EmployerID), token: ag.token}
}

// hire records a relation of the client's agent's employer with the next
// hireable person, from today, with the whole resident ID as an agent
// must give it.
func (c *client) hire() request {
	p, ok := c.fx.nextHire()
	if c.led == nil && len(c.fx.hireable) > 0 { // the floor: any person, none used up
		p, ok = c.fx.hireable[c.rng.IntN(len(c.fx.hireable))], true
	}
	if !ok { // nobody left to hire: read instead
		r := c.bills()
		r.kind = "bills"
		return r
	}
	ag := c.agent()
	wage := fmt.Sprintf("%d.00", 4000+c.rng.IntN(20000))
	body, _ := json.Marshal(map[string]any{"person_id": p.ID, "employer_id": ag.EmployerID, "start": c.today, "declared_wage": wage, "resident_id": p.ResidentID})
	return request{method: "POST", path: "/api/v1/employments", token: ag.token, body: body, ctype: "application/json",
		done: func(b []byte) error {
			var h hired
			if err := json.Unmarshal(b, &h); err != nil || h.ID == 0 {
				return fmt.Errorf("hire: the answer has no relation: %s", clip(b))
			}
			c.hires = append(c.hires, h)
			c.led.hired(h)
			return nil
		}}
}

// wage declares a new wage on one of the client's own hires (a hire
// first when it has none).
func (c *client) wage() request {
	if len(c.hires) == 0 {
		r := c.hire()
		if r.kind == "" {
			r.kind = "hire"
		}
		return r
	}
	i := c.rng.IntN(len(c.hires))
	h := c.hires[i]
	wage := fmt.Sprintf("%d.%02d", 4000+c.rng.IntN(20000), c.rng.IntN(100))
	body, _ := json.Marshal(map[string]any{"start": h.Start, "declared_wage": wage, "updated_at": h.UpdatedAt})
	c.led.declaring(h.ID, wage)
	return request{method: "PUT", path: fmt.Sprintf("/api/v1/employments/%d", h.ID), token: c.agent().token, body: body, ctype: "application/json",
		done: func(b []byte) error {
			var got hired
			if err := json.Unmarshal(b, &got); err != nil || got.ID != h.ID {
				return fmt.Errorf("wage: the answer is not relation %d: %s", h.ID, clip(b))
			}
			c.hires[i] = got
			c.led.declared(h.ID, wage)
			return nil
		}}
}

// importFile imports a tax bureau's collection file of five small
// payments of the latest open period's bills, each with a reference of
// its own.
func (c *client) importFile() request {
	file := c.fx.imports.Add(1)
	var sb strings.Builder
	sb.WriteString("credit_code,period,amount,reference,date\n")
	var pays []payment
	for row := 0; row < 5; row++ {
		b := c.fx.bills[c.rng.IntN(len(c.fx.bills))]
		p := payment{Reference: fmt.Sprintf("LOAD-%s-%d-%d", c.fx.run, file, row), Period: b.Period, PayerID: b.PayerID,
			Amount: fmt.Sprintf("%d.%02d", 1+c.rng.IntN(50), c.rng.IntN(100))}
		fmt.Fprintf(&sb, "%s,%s,%s,%s,%s\n", b.code, p.Period, p.Amount, p.Reference, c.today)
		pays = append(pays, p)
	}
	return request{method: "POST", path: "/api/v1/collections", token: c.fx.caseworker.token, body: []byte(sb.String()), ctype: "text/csv",
		done: func(b []byte) error {
			var rep struct {
				Import    int64             `json:"import"`
				Applied   int               `json:"applied"`
				Unmatched []json.RawMessage `json:"unmatched"`
			}
			if err := json.Unmarshal(b, &rep); err != nil || rep.Import == 0 || rep.Applied != len(pays) || len(rep.Unmatched) > 0 {
				return fmt.Errorf("import: %d rows sent, the answer: %s", len(pays), clip(b))
			}
			c.led.paid(pays)
			return nil
		}}
}
