package insurance

import (
	"reflect"
	"testing"

	"hrss/registry"
)

// TestSpoolKeepsChunksInOrder: past its budget the spool writes chunks
// to its file and reads them back equal (an employee, a flexible worker,
// an insurance it does not know, large and negative values), in order
// with those it kept in memory, and frees the memory of those taken.
func TestSpoolKeepsChunksInOrder(t *testing.T) {
	chunk := func(seed int64) []registry.Insured {
		return []registry.Insured{
			{PersonID: seed, Kind: registry.KindEmployee, EmploymentID: seed * 3, EmployerID: 1 << 40, Division: "330402", Wage: 1_234_567,
				RiskClass: 8, RiskFloatPct: 150, Insurances: []registry.Insurance{registry.Pension, registry.Medical, "long_term_care"}},
			{PersonID: seed + 1, Kind: registry.KindFlexible, FlexibleID: seed, Division: "330411", Wage: -5, BasePct: 300,
				Insurances: []registry.Insurance{registry.Pension}},
		}
	}
	sp := newSpool(1, 8)
	defer sp.close()
	var want [][]registry.Insured
	var memory int
	for i := range int64(4) {
		c := chunk(100 * (i + 1))
		want = append(want, chunk(100*(i+1)))
		it, inMemory, err := sp.item(c)
		if err != nil {
			t.Fatal(err)
		}
		if inMemory {
			memory++
		}
		sp.items <- it
	}
	close(sp.items)
	if memory != 1 || sp.end == 0 {
		t.Fatalf("%d chunks kept in memory, %d bytes spilled: want 1 and the rest spilled", memory, sp.end)
	}
	i := 0
	for it := range sp.items {
		got, err := sp.take(it)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want[i]) {
			t.Fatalf("chunk %d read back as %+v, want %+v", i, got, want[i])
		}
		i++
	}
	if i != 4 || sp.held.Load() != 0 {
		t.Fatalf("%d chunks taken, %d bytes still held", i, sp.held.Load())
	}
	if _, err := sp.readInsured([]byte{7}, &registry.Insured{}); err != errSpool {
		t.Fatalf("a corrupt record: %v", err)
	}
}
