package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"hrss/access"
	"hrss/employment"
	"hrss/insurance"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules"
	"hrss/store"
	"hrss/web"
)

// app is hrss wired together: the database, the identifier vault and the
// domain services.
type app struct {
	db       *store.DB
	vault    *ident.Vault
	registry *registry.Service
	access   *access.Service
	jobs     *employment.Service // one instance: its matcher cache is the one a hire invalidates
	params   string              // directory of parameter overrides (g.params)
}

// openApp opens the database named by g.db, applies the migrations and
// wires the services. The identifier key comes from HRSS_KEY or the key
// file (created on first start: a key file created over a database that
// already holds resident IDs is removed again and refused, refuseNewKey).
func openApp(ctx context.Context, g *globals) (*app, error) {
	db, err := store.Open(ctx, g.db) // first: a --db that is not hrss's is refused before a key file is made
	if err != nil {
		return nil, err
	}
	_, statErr := os.Stat(g.keyFile)
	created := strings.TrimSpace(os.Getenv("HRSS_KEY")) == "" && errors.Is(statErr, fs.ErrNotExist)
	key, err := ident.LoadKey(os.Getenv("HRSS_KEY"), g.keyFile)
	var vault *ident.Vault
	if err == nil {
		vault, err = ident.NewVault(key)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("identifier key: %w", err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	params, err := rules.Load(g.params)
	if err != nil {
		db.Close()
		return nil, err
	}
	// stops runs the hooks that stop an unemployment benefit on an Art. 51
	// event recorded elsewhere: a hire (registry), a registration ended or
	// a refusal recorded (employment services).
	stops := &insurance.Service{Store: db.Insurance(), Params: params}
	jobs := &employment.Service{Store: db.Jobs(), Params: params, BenefitEvent: func(ctx context.Context, tx employment.Tx, person int64) error {
		return stops.BenefitEvent(ctx, tx, person)
	}}
	a := &app{db: db, vault: vault, params: g.params, jobs: jobs, registry: &registry.Service{Store: db.Registry(), Vault: vault, Hired: hired(jobs.Hired, stops.Hired)},
		access: &access.Service{Store: db.Access(), KnownDivision: isCounty, TOTPKey: subkey(key, "hrss totp secrets v1")}}
	if created {
		if err := refuseNewKey(ctx, g, a); err != nil {
			db.Close()
			return nil, err
		}
	}
	return a, nil
}

// refuseNewKey refuses the key file openApp has just created when the
// database already holds resident IDs (sealed, then, under another key):
// a mistyped --key-file would otherwise seal every person registered from
// then on under a key nobody kept. The new file is removed again.
func refuseNewKey(ctx context.Context, g *globals, a *app) error {
	sc, err := a.registry.CheckSeals(access.WithCaller(ctx, access.System), registry.SealSampleAtStart)
	if err != nil || sc.Checked == 0 {
		return err
	}
	os.Remove(g.keyFile)
	return fmt.Errorf("identifier key: the key file %s did not exist, but the database already holds resident IDs sealed under another key; it was not kept: give the key file the database was made with (--key-file or HRSS_KEY)", g.keyFile)
}

// hired composes the registry's hire hooks: each runs in the transaction
// that records the relation, in order, and the first error rolls the
// hire back. A hire ends the person's job-seeker and unemployment
// registrations and counts as a placement (employment), then stops their
// running unemployment benefit (insurance).
func hired(hooks ...func(context.Context, registry.Tx, registry.Employment) error) func(context.Context, registry.Tx, registry.Employment) error {
	return func(ctx context.Context, tx registry.Tx, e registry.Employment) error {
		for _, h := range hooks {
			if err := h(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	}
}

// subkey derives a key for one purpose from the master key (HMAC-SHA256),
// so that one secret serves both the identifier vault and the sealed
// second-factor secrets without reusing a key.
func subkey(master []byte, purpose string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// isCounty reports whether code is one of the city's county-level divisions.
func isCounty(code string) bool {
	d, ok := registry.DivisionByCode(code)
	return ok && d.Code != registry.CityCode
}

// systemContext returns ctx carrying the System caller: the operator at
// the command line acts as the system and is audited as "system".
func systemContext(ctx context.Context) context.Context {
	return access.WithCaller(ctx, access.System)
}

func (a *app) close() { a.db.Close() }

// server returns the web server of a.
func (a *app) server() *web.Server {
	return &web.Server{Registry: a.registry, Access: a.access, Jobs: jobsService(a), Insurance: webInsurance(a), Support: webSupport(a), Insight: webInsight(a)}
}
