package main

import (
	"context"
	"fmt"
	"os"

	"hrss/registry"
	"hrss/registry/ident"
	"hrss/store"
	"hrss/web"
)

// app is hrss wired together: the database, the identifier vault and the
// domain services.
type app struct {
	db       *store.DB
	vault    *ident.Vault
	registry *registry.Service
}

// openApp opens the database named by g.db, applies the migrations and
// wires the services. The identifier key comes from HRSS_KEY or the key
// file (created on first start).
func openApp(ctx context.Context, g *globals) (*app, error) {
	key, err := ident.LoadKey(os.Getenv("HRSS_KEY"), g.keyFile)
	if err != nil {
		return nil, fmt.Errorf("identifier key: %w", err)
	}
	vault, err := ident.NewVault(key)
	if err != nil {
		return nil, fmt.Errorf("identifier key: %w", err)
	}
	db, err := store.Open(ctx, g.db)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return &app{db: db, vault: vault, registry: &registry.Service{Store: db.Registry(), Vault: vault}}, nil
}

func (a *app) close() { a.db.Close() }

// server returns the web server of a.
func (a *app) server() *web.Server { return &web.Server{Registry: a.registry} }
