package main

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	_ "github.com/lib/pq" // the PostgreSQL driver for database/sql
)

// dbSettings are the connection settings Hero reads from its environment.
type dbSettings struct {
	Host, Port, User, Password, Name, SSLMode string
}

func dbSettingsFromEnv() dbSettings {
	return dbSettings{
		Host:     os.Getenv("DB_HOST"),
		Port:     envOr("DB_PORT", "5432"),
		User:     os.Getenv("DB_USER"),
		Password: os.Getenv("DB_PASSWORD"),
		Name:     envOr("DB_NAME", "hero"),
		SSLMode:  os.Getenv("DB_SSLMODE"),
	}
}

func (s dbSettings) configured() bool { return s.Host != "" }

func (s dbSettings) url(sslmode string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(s.User, s.Password),
		Host:     net.JoinHostPort(s.Host, s.Port),
		Path:     "/" + s.Name,
		RawQuery: url.Values{"sslmode": {sslmode}, "connect_timeout": {"3"}}.Encode(),
	}
	return u.String()
}

// dbStatus is what /db reports. The journey's checks read it.
type dbStatus struct {
	Configured bool     `json:"configured"`
	Connected  bool     `json:"connected"`
	Server     string   `json:"server,omitempty"`
	Tables     []string `json:"tables"`
	Error      string   `json:"error,omitempty"`
}

// checkDatabase connects, asks the server who it is and lists the tables in the public schema.
func checkDatabase(ctx context.Context, s dbSettings) dbStatus {
	status := dbStatus{Configured: s.configured(), Tables: []string{}}
	if !status.Configured {
		return status
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()

	db, err := open(ctx, s)
	if err != nil {
		status.Error = err.Error()
		return status
	}
	defer db.Close()
	status.Connected = true

	if err := db.QueryRowContext(ctx, "SELECT current_setting('server_version')").Scan(&status.Server); err == nil {
		status.Server = "PostgreSQL " + status.Server
	}
	rows, err := db.QueryContext(ctx,
		"SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name")
	if err != nil {
		status.Error = err.Error()
		return status
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if rows.Scan(&name) == nil {
			status.Tables = append(status.Tables, name)
		}
	}
	return status
}

// open connects with DB_SSLMODE when it is set. Otherwise it prefers TLS and falls
// back to a plain connection when the server has no TLS (a bare PostgreSQL container).
func open(ctx context.Context, s dbSettings) (*sql.DB, error) {
	modes := []string{"require", "disable"}
	if s.SSLMode != "" {
		modes = []string{s.SSLMode}
	}
	var lastErr error
	for _, mode := range modes {
		db, err := sql.Open("postgres", s.url(mode))
		if err != nil {
			return nil, err
		}
		if err = db.PingContext(ctx); err == nil {
			return db, nil
		}
		db.Close()
		lastErr = err
		if !strings.Contains(err.Error(), "SSL is not enabled") {
			break
		}
	}
	return nil, fmt.Errorf("cannot connect to %s:%s: %w", s.Host, s.Port, lastErr)
}
