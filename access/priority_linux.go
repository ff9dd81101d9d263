package access

import "syscall"

// lowerThread adds nice to the scheduling priority of the calling thread
// (Linux: setpriority of a thread ID sets that thread's alone). A
// refusal leaves it as it was: the work is only slower to give way.
func lowerThread(nice int) {
	tid := syscall.Gettid()
	cur, err := syscall.Getpriority(syscall.PRIO_PROCESS, tid)
	if err != nil {
		return
	}
	// the raw system call returns 20 - nice
	syscall.Setpriority(syscall.PRIO_PROCESS, tid, min(20-cur+nice, 19))
}
