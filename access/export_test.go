package access

import (
	"encoding/base32"
	"time"
)

// TOTPCodeForTest returns the code of a base32 secret at a time, for the
// external tests.
func TOTPCodeForTest(secret string, at time.Time) string {
	b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		panic(err)
	}
	return totpCode(b, at.Unix()/totpPeriod)
}
