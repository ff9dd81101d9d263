package insurance

import (
	"encoding/binary"
	"fmt"
	"os"
	"sync/atomic"
	"unsafe"

	"hrss/registry"
	"hrss/rules/money"
)

// readAheadBytes is how much of the person-months read ahead of the
// assessor a run keeps in memory when Service.ReadAheadBytes is zero:
// about 130,000 person-months; the rest waits in a spool file.
const readAheadBytes = 32 << 20

// spool is the queue of chunks of person-months read and not yet
// assessed, in order. A chunk is kept in memory while the chunks held
// there stay within budget bytes (one at least); past it, it is written
// to a temporary file, about 30 bytes a person-month against about 250
// in memory, and read back when its turn comes. So the registry is read
// at full speed in one short snapshot (see Assess) and the memory of a
// run stays bounded whatever the size of the month.
type spool struct {
	items  chan spoolItem
	budget int64
	held   atomic.Int64 // bytes of the chunks in memory
	file   *os.File     // the spilled chunks; made at the first one
	end    int64        // bytes written to file
	// the reader's interned divisions and sets of insurances, so that
	// chunks read back share their strings and slices
	divs map[string]string
	sets map[string][]registry.Insurance
}

// spoolItem is one chunk: in memory (meta), or spilled (n person-months
// in size bytes at off of the file).
type spoolItem struct {
	meta      []registry.Insured
	bytes     int64
	off, size int64
	n         int
}

func newSpool(budget int64, capacity int) *spool {
	return &spool{items: make(chan spoolItem, capacity), budget: budget,
		divs: map[string]string{}, sets: map[string][]registry.Insurance{}}
}

// item returns the chunk meta as it is queued: in memory when the budget
// allows, else spilled (inMemory false: meta may then be reused).
func (sp *spool) item(meta []registry.Insured) (it spoolItem, inMemory bool, err error) {
	for i := range meta {
		if k := meta[i].Kind; k != registry.KindEmployee && k != registry.KindFlexible {
			return it, false, relationError(meta[i], fmt.Errorf("insured kind %q is neither %s nor %s", k, registry.KindEmployee, registry.KindFlexible))
		}
	}
	b := metaBytes(meta)
	if held := sp.held.Load(); held == 0 || held+b <= sp.budget {
		sp.held.Add(b)
		return spoolItem{meta: meta, bytes: b, n: len(meta)}, true, nil
	}
	if sp.file == nil {
		if sp.file, err = os.CreateTemp("", "hrss-assess-*.spool"); err != nil {
			return it, false, fmt.Errorf("assessment run: the spool file: %w", err)
		}
		os.Remove(sp.file.Name()) // unlinked: gone with the process whatever happens
	}
	buf := make([]byte, 0, 32*len(meta))
	for i := range meta {
		buf = appendInsured(buf, &meta[i])
	}
	if _, err := sp.file.WriteAt(buf, sp.end); err != nil {
		return it, false, fmt.Errorf("assessment run: the spool file: %w", err)
	}
	it = spoolItem{off: sp.end, size: int64(len(buf)), n: len(meta)}
	sp.end += int64(len(buf))
	return it, false, nil
}

// take returns the person-months of it, read back if spilled.
func (sp *spool) take(it spoolItem) ([]registry.Insured, error) {
	if it.meta != nil {
		sp.held.Add(-it.bytes)
		return it.meta, nil
	}
	buf := make([]byte, it.size)
	if _, err := sp.file.ReadAt(buf, it.off); err != nil {
		return nil, fmt.Errorf("assessment run: the spool file: %w", err)
	}
	meta := make([]registry.Insured, it.n)
	for i := range meta {
		var err error
		if buf, err = sp.readInsured(buf, &meta[i]); err != nil {
			return nil, err
		}
	}
	return meta, nil
}

// close removes the spool file.
func (sp *spool) close() {
	if sp.file != nil {
		sp.file.Close()
	}
}

// metaBytes is about the memory of a chunk of person-months: the structs,
// their divisions and their sets of insurances.
func metaBytes(meta []registry.Insured) int64 {
	n := int64(cap(meta)) * int64(unsafe.Sizeof(registry.Insured{}))
	for i := range meta {
		n += int64(len(meta[i].Division)) + int64(cap(meta[i].Insurances))*int64(unsafe.Sizeof(registry.Insurance("")))
		for _, x := range meta[i].Insurances {
			n += int64(len(x))
		}
	}
	return n
}

// appendInsured appends the spool record of in: varints, the kind, the
// division and each insurance (its index in registry.AllInsurances, or 0
// and its text).
func appendInsured(b []byte, in *registry.Insured) []byte {
	kind := byte(0)
	if in.Kind == registry.KindFlexible {
		kind = 1
	}
	b = append(b, kind)
	for _, v := range []int64{in.PersonID, in.EmploymentID, in.EmployerID, in.FlexibleID, int64(in.Wage), int64(in.BasePct), int64(in.RiskClass), int64(in.RiskFloatPct)} {
		b = binary.AppendVarint(b, v)
	}
	b = appendString(b, in.Division)
	b = binary.AppendUvarint(b, uint64(len(in.Insurances)))
	for _, x := range in.Insurances {
		b = appendInsurance(b, x)
	}
	return b
}

func appendInsurance(b []byte, x registry.Insurance) []byte {
	for i, known := range registry.AllInsurances {
		if x == known {
			return append(b, byte(i+1))
		}
	}
	return appendString(append(b, 0), string(x))
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// errSpool is a spool record that does not decode: the file was changed
// under the run.
var errSpool = fmt.Errorf("assessment run: the spool file is corrupt")

// readInsured decodes the record at the start of b into in and returns
// the rest of b.
func (sp *spool) readInsured(b []byte, in *registry.Insured) ([]byte, error) {
	if len(b) == 0 || b[0] > 1 {
		return nil, errSpool
	}
	in.Kind = registry.KindEmployee
	if b[0] == 1 {
		in.Kind = registry.KindFlexible
	}
	b = b[1:]
	var vs [8]int64
	for i := range vs {
		v, n := binary.Varint(b)
		if n <= 0 {
			return nil, errSpool
		}
		vs[i], b = v, b[n:]
	}
	in.PersonID, in.EmploymentID, in.EmployerID, in.FlexibleID = vs[0], vs[1], vs[2], vs[3]
	in.Wage, in.BasePct, in.RiskClass, in.RiskFloatPct = money.Fen(vs[4]), int(vs[5]), int(vs[6]), int(vs[7])
	div, b, err := readString(b)
	if err != nil {
		return nil, err
	}
	if in.Division = sp.divs[div]; in.Division == "" {
		in.Division = string(div)
		sp.divs[in.Division] = in.Division
	}
	return sp.readInsurances(b, in)
}

// readInsurances decodes the set of insurances of a record into in,
// shared with every record of the same set.
func (sp *spool) readInsurances(b []byte, in *registry.Insured) ([]byte, error) {
	count, n := binary.Uvarint(b)
	if n <= 0 {
		return nil, errSpool
	}
	start := b
	b = b[n:]
	var set []registry.Insurance
	for range count {
		if len(b) == 0 {
			return nil, errSpool
		}
		code := b[0]
		b = b[1:]
		if code > 0 && int(code) <= len(registry.AllInsurances) {
			set = append(set, registry.AllInsurances[code-1])
			continue
		}
		s, rest, err := readString(b)
		if err != nil {
			return nil, err
		}
		set, b = append(set, registry.Insurance(s)), rest
	}
	key := string(start[:len(start)-len(b)])
	if shared, ok := sp.sets[key]; ok {
		in.Insurances = shared
	} else {
		set = set[:len(set):len(set)] // shared: never appended to
		sp.sets[key], in.Insurances = set, set
	}
	return b, nil
}

func readString(b []byte) (string, []byte, error) {
	l, n := binary.Uvarint(b)
	if n <= 0 || uint64(len(b)-n) < l {
		return "", nil, errSpool
	}
	return string(b[n : n+int(l)]), b[n+int(l):], nil
}
