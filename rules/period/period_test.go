package period

import (
	"testing"
	"time"
)

func TestYearMonth(t *testing.T) {
	p, err := ParseYearMonth("2025-12")
	if err != nil || p.Year() != 2025 || p.Month() != 12 || p.String() != "2025-12" {
		t.Fatal(p, err)
	}
	if q := p.Add(1); q.String() != "2026-01" || q.Sub(p) != 1 || p.Add(-12).String() != "2024-12" {
		t.Fatal(q)
	}
	if p.Last() != (Date{2025, 12, 31}) || New(2024, 2).Last() != (Date{2024, 2, 29}) || New(2100, 2).Last() != (Date{2100, 2, 28}) || New(2000, 2).Last() != (Date{2000, 2, 29}) {
		t.Fatal("month ends")
	}
	for _, bad := range []string{"2025-13", "2025-00", "25-01", "2025/01", "2025-1", "1899-12", "abcd-ef"} {
		if _, err := ParseYearMonth(bad); err == nil {
			t.Errorf("ParseYearMonth(%q) accepted", bad)
		}
	}
}

func TestDate(t *testing.T) {
	for _, ok := range []string{"2024-02-29", "2000-02-29", "1999-12-31", "2025-04-30"} {
		if _, err := ParseDate(ok); err != nil {
			t.Errorf("ParseDate(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"2023-02-29", "1900-02-29", "2025-04-31", "2025-4-30", "2025-04-30T", "", "2025-00-10"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
	d := Date{2024, 2, 28}
	if d.AddDays(1) != (Date{2024, 2, 29}) || d.AddDays(2) != (Date{2024, 3, 1}) || d.DaysUntil(Date{2025, 2, 28}) != 366 {
		t.Fatal("day arithmetic")
	}
}

// TestDaysInAgreesWithTime checks the calendar against the standard library.
func TestDaysInAgreesWithTime(t *testing.T) {
	for y := 1800; y < 2200; y++ {
		for m := 1; m <= 12; m++ {
			want := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
			if DaysIn(y, m) != want {
				t.Fatalf("DaysIn(%d, %d) = %d, want %d", y, m, DaysIn(y, m), want)
			}
		}
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-02-29", "2023-02-29", "0000-00-00", "9999-99-99", "2025-1-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if d.String() != s {
			t.Fatalf("%q → %v → %q", s, d, d.String())
		}
		if tm, err := time.Parse(time.DateOnly, s); err != nil || FromTime(tm) != d {
			t.Fatalf("%q: the standard library says %v, %v", s, tm, err)
		}
	})
}

func FuzzParseYearMonth(f *testing.F) {
	for _, s := range []string{"2025-01", "2025-13", "1900-01", "2199-12"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseYearMonth(s)
		if err == nil && p.String() != s {
			t.Fatalf("%q → %q", s, p.String())
		}
	})
}
