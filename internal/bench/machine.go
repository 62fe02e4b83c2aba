package bench

import (
	"bufio"
	"database/sql"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"

	_ "github.com/mattn/go-sqlite3" // the driver the issuer and the wallet use
)

// Machine describes where the figures were measured.
type Machine struct {
	CPU      string // model name from /proc/cpuinfo
	Cores    int    // logical CPUs this process may use
	MemoryMB int    // MemTotal from /proc/meminfo, 0 when unknown
	OS       string // distribution, kernel, GOOS/GOARCH
	Go       string // toolchain that built the command
	SQLite   string // SQLite library version linked through go-sqlite3
}

// readMachine reads the machine's description; a fact it cannot read says
// "unknown" rather than failing the run.
func readMachine() Machine {
	m := Machine{CPU: "unknown", Cores: runtime.GOMAXPROCS(0), Go: runtime.Version(), SQLite: "unknown"}
	if v := procField("/proc/cpuinfo", "model name"); v != "" {
		m.CPU = v
	}
	if v := procField("/proc/meminfo", "MemTotal"); v != "" {
		kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		if err == nil {
			m.MemoryMB = kb / 1024
		}
	}
	osName := runtime.GOOS
	if v := osRelease(); v != "" {
		osName = v
	}
	if k, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		osName += ", kernel " + strings.TrimSpace(string(k))
	}
	m.OS = fmt.Sprintf("%s (%s/%s)", osName, runtime.GOOS, runtime.GOARCH)
	if db, err := sql.Open("sqlite3", ":memory:"); err == nil {
		var v string
		if db.QueryRow("select sqlite_version()").Scan(&v) == nil {
			m.SQLite = v + " (mattn/go-sqlite3)"
		}
		db.Close()
	}
	return m
}

// procField returns the value of the first "key: value" line of a /proc file.
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// osRelease returns PRETTY_NAME from /etc/os-release.
func osRelease() string {
	data, err := os.ReadFile("/etc/os-release")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "PRETTY_NAME="); ok {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}
