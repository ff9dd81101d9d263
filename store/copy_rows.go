package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"strings"

	"github.com/jackc/pgx/v5"

	"hrss/insurance"
)

// copyRows COPYs assessment rows into table (ins_assessments' columns,
// assessmentCols) on PostgreSQL in COPY's binary format, encoded here:
// pgx's CopyFrom takes each value as an interface and looks up its
// encoder, which cost the run more client time than the rest of the
// assessment (go run ./bench/assess). TestCopyRows (insurance_runs_test.go) reads the rows back.
func copyRows(ctx context.Context, tx pgx.Tx, table string, rows []insurance.Row) error {
	_, err := tx.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(rowsCopyData(rows)), copyRowsSQL(table))
	return err
}

// copyRowsSQL is the COPY statement of copyRows.
func copyRowsSQL(table string) string {
	return "COPY " + pgx.Identifier{table}.Sanitize() + " (" + strings.Join(assessmentCols, ", ") + ") FROM STDIN (FORMAT binary)"
}

// rowsCopyData is the binary COPY data of rows: the header, each row as
// its field count and each field's length and big-endian value, with the
// types of ins_assessments (period and seq int4, kind int2, division
// text, the others int8), and the trailer.
func rowsCopyData(rows []insurance.Row) []byte {
	const perRow = 2 + 17*4 + 4 + 8 + 4 + 2 + 13*8 + 8 // field count, lengths, values, a division of 8 bytes
	b := make([]byte, 0, 19+len(rows)*perRow+2)
	b = append(b, "PGCOPY\n\xff\r\n\x00"...)
	b = binary.BigEndian.AppendUint32(b, 0) // flags
	b = binary.BigEndian.AppendUint32(b, 0) // header extension
	i4 := func(v int32) { b = binary.BigEndian.AppendUint32(append(b, 0, 0, 0, 4), uint32(v)) }
	i8 := func(v int64) { b = binary.BigEndian.AppendUint64(append(b, 0, 0, 0, 8), uint64(v)) }
	for i := range rows {
		r := &rows[i]
		b = binary.BigEndian.AppendUint16(b, uint16(len(assessmentCols)))
		i4(int32(ymArg(r.Period)))
		i8(r.Run)
		i4(r.Seq)
		i8(r.PersonID)
		b = binary.BigEndian.AppendUint16(append(b, 0, 0, 0, 2), uint16(r.Kind))
		i8(r.RelationID)
		i8(r.PayerID)
		b = binary.BigEndian.AppendUint32(b, uint32(len(r.Division)))
		b = append(b, r.Division...)
		i8(int64(r.Base))
		for _, a := range r.Lines {
			i8(int64(a))
		}
		i8(int64(r.AccountCredit))
	}
	return binary.BigEndian.AppendUint16(b, 0xffff) // trailer: -1
}
