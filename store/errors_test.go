package store

import "testing"

func TestKeyColumn(t *testing.T) {
	for _, c := range []struct{ msg, before, after, want string }{
		{"Key (credit_code)=(91330402MA0000000X) already exists.", "Key (", ")", "credit_code"},
		{"Key (period, person_id)=(1, 2) already exists.", "Key (", ")", ""},
		{"UNIQUE constraint failed: persons.id_hash (2067)", "constraint failed: ", " ", "id_hash"},
		{"UNIQUE constraint failed: a.x, a.y (2067)", "constraint failed: ", " ", ""},
		{"something else", "Key (", ")", ""},
	} {
		if got := keyColumn(c.msg, c.before, c.after); got != c.want {
			t.Errorf("%q: %q, want %q", c.msg, got, c.want)
		}
	}
}
