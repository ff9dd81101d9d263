package web_test

import (
	"os"
	"testing"

	"hrss/access"
)

// TestMain makes password hashing cheap: the tests sign in hundreds of
// times, and the cost parameters are not what they test.
func TestMain(m *testing.M) {
	access.DefaultHashParams = access.HashParams{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32, SaltLen: 16}
	os.Exit(m.Run())
}
