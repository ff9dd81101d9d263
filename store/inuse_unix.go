//go:build unix

package store

import (
	"errors"
	"io/fs"
	"os"
	"syscall"

	"hrss/rules/fault"
)

// SQLite's POSIX advisory locks (os_unix.c): every connection to a
// database in WAL mode holds a shared lock on the "DMS" byte of its -shm
// file for as long as it is open, beside the eight WAL locks before it;
// a connection in a transaction holds locks in the range at 1 GiB of the
// database file itself.
const (
	shmLocks    = 120 // first WAL lock byte in the -shm file
	shmLocksLen = 9   // the eight WAL locks and the DMS byte
	dbLocks     = 0x40000000
	dbLocksLen  = 2 + 510 // pending, reserved, the shared range
)

// lockUnused checks that no other process has the SQLite database at path
// open and, if so, takes the -shm file's locks exclusively until release
// is called, so that no connection can open it meanwhile (a new one finds
// the DMS byte locked and fails as busy). A database in use is a Conflict
// naming the process. Locks of this process are not seen (POSIX locks are
// per process): close this process's connections to path first.
func lockUnused(path string) (release func(), err error) {
	release = func() {}
	inUse := func(pid int32) error {
		return fault.Conflictf("db", "restore.in_use", "the database %s is in use by process %d: stop every hrss process using it (or pass --force if you are sure none is)", path, pid)
	}
	if f, err := os.Open(path); err == nil {
		lk := syscall.Flock_t{Type: syscall.F_WRLCK, Start: dbLocks, Len: dbLocksLen}
		err := syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lk)
		f.Close()
		if err == nil && lk.Type != syscall.F_UNLCK {
			return release, inUse(lk.Pid)
		}
	}
	f, err := os.OpenFile(path+"-shm", os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return release, nil // no connection in WAL mode has it open
	}
	if err != nil {
		return release, err
	}
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Start: shmLocks, Len: shmLocksLen}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_SETLK, &lk); err != nil {
		probe := syscall.Flock_t{Type: syscall.F_WRLCK, Start: shmLocks, Len: shmLocksLen}
		syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &probe)
		f.Close()
		return release, inUse(probe.Pid)
	}
	return func() { f.Close() }, nil // closing the file drops its locks
}
