package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"hrss/registry"
)

// TestPrefixEnd: the bound above every string with a prefix.
func TestPrefixEnd(t *testing.T) {
	for _, c := range []struct {
		p, end string
		ok     bool
	}{{"王小", "王尐", true}, {"ab", "ac", true}, {"a\uD7FF", "a\uE000", true}, {"", "", false}, {"a\U0010FFFF", "", false}, {"a\xff", "", false}} {
		end, ok := prefixEnd(c.p)
		if end != c.end || ok != c.ok {
			t.Errorf("prefixEnd(%q) = %q, %v; want %q, %v", c.p, end, ok, c.end, c.ok)
		}
	}
}

// TestNamePrefixSearchesTheIndex: on SQLite a search by a name's first
// characters searches the name index, not the persons in ID order.
func TestNamePrefixSearchesTheIndex(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	err = db.view(ctx, func(tx *Tx) error {
		q, args := tx.personsQuery(registry.PersonFilter{NamePrefix: "王小", Page: registry.Page{Limit: 20}})
		rows, err := tx.query(ctx, "EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				return err
			}
			plan = append(plan, detail)
		}
		if p := strings.Join(plan, "; "); !strings.Contains(p, "INDEX persons_name") {
			t.Errorf("the search by name prefix: %s", p)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
}
