package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"sync/atomic"
)

// user is one signed-in user.
type user struct {
	Name, Role, token    string
	PersonID, EmployerID int64
	password             string
}

// person is a person of the city as a city-wide caseworker sees them.
type person struct {
	ID         int64  `json:"id"`
	ResidentID string `json:"resident_id"`
	Name       string `json:"name"`
	Birth      string `json:"birth"`
	Division   string `json:"residence_division"`
}

// bill is an employer's bill of an open period, to pay in an import.
type bill struct {
	Period    string `json:"period"`
	PayerKind string `json:"payer_kind"`
	PayerID   int64  `json:"payer_id"`
	code      string
}

// fixtures is what the clients pick from: users of every role, persons
// to read, persons to hire (each once), bills to pay.
type fixtures struct {
	caseworker, reviewer, admin, analyst, auditor user
	citizens, agents                              []user
	persons                                       []person     // to read and search
	hireable                                      []person     // employed by none of the agents' employers
	known                                         []person     // to search by their whole resident ID, revealed in setup
	next                                          atomic.Int64 // the next of hireable
	share                                         int          // hireable persons of each level
	levelEnd                                      int64        // the end of this level's share of hireable
	imports                                       atomic.Int64 // collection files sent, for their references
	bills                                         []bill
	runPeriod                                     string // the latest open period: the monthly run's
	run                                           string // this run's mark in names and references
}

// startLevel gives level k (counted from 0 over the clients and the
// modes) its own share of the hireable persons, so that a closed loop
// does not hire them all and leave the later levels without hires.
func (fx *fixtures) startLevel(k, levels int) {
	fx.share = len(fx.hireable) / max(levels, 1)
	fx.next.Store(int64(k * fx.share))
	fx.levelEnd = int64((k + 1) * fx.share)
}

// nextHire gives the next person to hire of the level's share, once
// each; false when none is left.
func (fx *fixtures) nextHire() (person, bool) {
	i := fx.next.Add(1) - 1
	if i >= fx.levelEnd || i >= int64(len(fx.hireable)) {
		return person{}, false
	}
	return fx.hireable[i], true
}

func secret() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// setUp creates an administrator and a city-wide caseworker with the
// CLI, signs them in, reads the city through the caseworker, has the
// administrator create the other users through the API (a reviewer, an
// analyst, an auditor, citizens, employer agents) and signs them all in.
func setUp(ctx context.Context, cfg config, s *server, a *api) (*fixtures, error) {
	run := secret()[:6]
	fx := &fixtures{run: run}
	fx.admin = user{Name: "load-admin-" + run, Role: "administrator", password: secret()}
	fx.caseworker = user{Name: "load-caseworker-" + run, Role: "caseworker", password: secret()}
	if _, err := s.hrss(ctx, fx.admin.password+"\n", "user", "add", "--name", fx.admin.Name, "--role", "administrator", "--password-stdin"); err != nil {
		return nil, err
	}
	if _, err := s.hrss(ctx, fx.caseworker.password+"\n", "user", "add", "--name", fx.caseworker.Name, "--role", "caseworker", "--division", "330400", "--password-stdin"); err != nil {
		return nil, err
	}
	for _, u := range []*user{&fx.admin, &fx.caseworker} {
		if err := signIn(ctx, a, u); err != nil {
			return nil, err
		}
	}
	if err := fx.readCity(ctx, a, cfg); err != nil {
		return nil, err
	}
	if err := fx.makeUsers(ctx, a, cfg); err != nil {
		return nil, err
	}
	return fx, nil
}

// signIn signs u in with the password and checks the role.
func signIn(ctx context.Context, a *api, u *user) error {
	var out struct {
		Token string `json:"token"`
		User  struct {
			Role string `json:"role"`
		} `json:"user"`
	}
	if err := a.json(ctx, "POST", "/api/v1/session", "", map[string]string{"username": u.Name, "password": u.password}, &out); err != nil {
		return fmt.Errorf("signing in %s: %v", u.Name, err)
	}
	if out.User.Role != u.Role {
		return fmt.Errorf("%s signed in as %q, not %q", u.Name, out.User.Role, u.Role)
	}
	u.token = out.Token
	return a.json(ctx, "GET", "/api/v1/session", u.token, nil, nil)
}

// readCity reads persons from several places of the registry, the
// latest open period, its employers' bills and their credit codes.
func (fx *fixtures) readCity(ctx context.Context, a *api, cfg config) error {
	tok := fx.caseworker.token
	for _, after := range []int64{0, 5_000, 50_000, 250_000, 700_000} {
		var page struct{ Items []person }
		if err := a.json(ctx, "GET", fmt.Sprintf("/api/v1/persons?after=%d&limit=1000", after), tok, nil, &page); err != nil {
			return err
		}
		fx.persons = append(fx.persons, page.Items...)
	}
	if len(fx.persons) < 2*cfg.Citizens {
		return fmt.Errorf("the city has %d persons; the load needs at least %d", len(fx.persons), 2*cfg.Citizens)
	}
	var periods struct {
		Items []struct{ Period, Status string }
	}
	if err := a.json(ctx, "GET", "/api/v1/periods", tok, nil, &periods); err != nil {
		return err
	}
	for _, p := range periods.Items {
		if p.Status == "open" && p.Period > fx.runPeriod {
			fx.runPeriod = p.Period
		}
	}
	if fx.runPeriod == "" {
		return fmt.Errorf("the city has no open period to assess (make it with hrss demo)")
	}
	return fx.readBills(ctx, a, cfg.Agents)
}

// readBills reads the latest open period's employer bills of the first
// thousand employers, with the employers' credit codes.
func (fx *fixtures) readBills(ctx context.Context, a *api, agents int) error {
	tok := fx.caseworker.token
	var employers struct {
		Items []struct {
			ID         int64  `json:"id"`
			CreditCode string `json:"credit_code"`
		}
	}
	if err := a.json(ctx, "GET", "/api/v1/employers?limit=1000", tok, nil, &employers); err != nil {
		return err
	}
	code := map[int64]string{}
	for _, e := range employers.Items {
		code[e.ID] = e.CreditCode
	}
	var bills struct{ Items []bill }
	if err := a.json(ctx, "GET", "/api/v1/bills?period="+fx.runPeriod+"&payer_kind=employer&limit=1000", tok, nil, &bills); err != nil {
		return err
	}
	for _, b := range bills.Items {
		if b.code = code[b.PayerID]; b.code != "" && b.PayerKind == "employer" {
			fx.bills = append(fx.bills, b)
		}
	}
	if len(fx.bills) < agents {
		return fmt.Errorf("%s has %d employer bills; the load needs at least %d", fx.runPeriod, len(fx.bills), agents)
	}
	return nil
}

// makeUsers has the administrator create the users of the other roles,
// signs them in, and keeps apart, for the hires, persons that none of
// the agents' employers employs.
func (fx *fixtures) makeUsers(ctx context.Context, a *api, cfg config) error {
	run := fx.run
	fx.reviewer = user{Name: "load-reviewer-" + run, Role: "reviewer"}
	fx.analyst = user{Name: "load-analyst-" + run, Role: "analyst"}
	fx.auditor = user{Name: "load-auditor-" + run, Role: "auditor"}
	us := []*user{&fx.reviewer, &fx.analyst, &fx.auditor}
	for i := 0; i < cfg.Citizens; i++ {
		p := fx.persons[i*len(fx.persons)/cfg.Citizens]
		fx.citizens = append(fx.citizens, user{Name: fmt.Sprintf("load-citizen-%s-%d", run, i), Role: "citizen", PersonID: p.ID})
	}
	for i := 0; i < cfg.Agents; i++ {
		e := fx.bills[i*len(fx.bills)/cfg.Agents].PayerID
		fx.agents = append(fx.agents, user{Name: fmt.Sprintf("load-agent-%s-%d", run, i), Role: "employer_agent", EmployerID: e})
	}
	for i := range fx.citizens {
		us = append(us, &fx.citizens[i])
	}
	for i := range fx.agents {
		us = append(us, &fx.agents[i])
	}
	for _, u := range us {
		u.password = secret()
		in := map[string]any{"name": u.Name, "role": u.Role, "password": u.password, "employer_id": u.EmployerID, "person_id": u.PersonID}
		if u.Role == "reviewer" {
			in["divisions"] = []string{"330400"}
		}
		if err := a.json(ctx, "POST", "/api/v1/users", fx.admin.token, in, nil); err != nil {
			return err
		}
		if err := signIn(ctx, a, u); err != nil {
			return err
		}
	}
	return fx.findHireable(ctx, a)
}

// findHireable keeps the persons of working age whom none of the agents'
// employers employs (a hire of one would overlap a relation).
func (fx *fixtures) findHireable(ctx context.Context, a *api) error {
	employed := map[int64]bool{}
	for _, ag := range fx.agents {
		for after := int64(0); ; {
			var page struct {
				Items []struct {
					ID       int64 `json:"id"`
					PersonID int64 `json:"person_id"`
				}
			}
			path := fmt.Sprintf("/api/v1/employers/%d/employments?after=%d&limit=1000", ag.EmployerID, after)
			if err := a.json(ctx, "GET", path, fx.caseworker.token, nil, &page); err != nil {
				return err
			}
			for _, e := range page.Items {
				employed[e.PersonID] = true
			}
			if len(page.Items) < 1000 {
				break
			}
			after = page.Items[len(page.Items)-1].ID
		}
	}
	for _, p := range fx.persons {
		if len(fx.hireable) < maxHireable && !employed[p.ID] && p.Birth >= "1966" && p.Birth < "2006" &&
			!slices.ContainsFunc(fx.citizens, func(u user) bool { return u.PersonID == p.ID }) {
			fx.hireable = append(fx.hireable, p)
		}
	}
	if err := fx.reveal(ctx, a, fx.hireable, "load test: hire as an agent"); err != nil {
		return err
	}
	// the searches by a whole number need persons whose number is known
	// even when none is left to hire (a city hired out by earlier runs)
	fx.known = slices.Clone(fx.persons[:min(maxKnown, len(fx.persons))])
	return fx.reveal(ctx, a, fx.known, "load test: search by resident ID")
}

// maxHireable bounds the persons set aside to be hired (each needs its
// whole resident ID read once in setup), shared out among the levels.
const maxHireable = 3000

// maxKnown is how many persons' whole resident IDs are read in setup for
// the searches by a whole number.
const maxKnown = 500

// reveal reads the whole resident ID of each of ps, as the caseworker,
// for the reason given (lists show it masked, PIPL; an agent hiring must
// give it whole, a search by number needs it), audited like any reveal.
func (fx *fixtures) reveal(ctx context.Context, a *api, ps []person, reason string) error {
	for i, p := range ps {
		var whole person
		path := fmt.Sprintf("/api/v1/persons/%d/identity?reason=%s", p.ID, url.QueryEscape(reason))
		if err := a.json(ctx, "GET", path, fx.caseworker.token, nil, &whole); err != nil {
			return err
		}
		ps[i].ResidentID = whole.ResidentID
	}
	return nil
}
