//go:build !linux

package access

// lowerThread does nothing outside Linux, where a thread's priority
// cannot be set apart from its process's.
func lowerThread(int) {}
