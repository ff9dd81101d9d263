package insurance_test

import (
	"context"
	"reflect"
	"testing"

	"hrss/registry"
	"hrss/store"
	"hrss/store/storetest"
)

// TestInsuredReaderAgrees proves that the reader the run uses gives the
// registry's rows, in its order.
func TestInsuredReaderAgrees(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 60)
		for _, p := range []string{"2023-04", "2024-06", "2025-01"} {
			var a, b []registry.Insured
			ctx := context.Background()
			if err := db.EachInsured(ctx, ym(p), func(in registry.Insured) error { a = append(a, in); return nil }); err != nil {
				t.Fatal(err)
			}
			if err := db.InsuredReader().EachInsured(ctx, ym(p), func(in registry.Insured) error { b = append(b, in); return nil }); err != nil {
				t.Fatal(err)
			}
			if len(a) == 0 || !reflect.DeepEqual(a, b) {
				t.Fatalf("%s: %d rows from the registry, %d from the run's reader", p, len(a), len(b))
			}
		}
		_ = c
	})
}
