// Hero: a tiny web app on its way from source code to production.
//
// It answers:
//
//	/         a friendly page (and, once it has a database, what it finds there)
//	/healthz  "ok", for Kubernetes probes
//	/db       the database status as JSON, for humans and for the journey's checks
//
// Settings come from environment variables, the way Kubernetes hands them over:
// PORT (default 8080) and, when Hero has a database, DB_HOST, DB_PORT, DB_USER,
// DB_PASSWORD, DB_NAME and optionally DB_SSLMODE.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	port := envOr("PORT", "8080")
	db := dbSettingsFromEnv()
	server := &http.Server{Addr: ":" + port, Handler: logRequests(newHandler(db)), ReadHeaderTimeout: 5 * time.Second}

	// Kubernetes sends SIGTERM before it stops a Pod: finish the requests in flight, then exit.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = server.Shutdown(shutdown)
	}()

	log.Printf("Hero listens on :%s (database configured: %t)", port, db.configured())
	if err := server.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		log.Fatal(err)
	}
}

// newHandler routes Hero's three pages.
func newHandler(db dbSettings) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		status := checkDatabase(r.Context(), db)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := page.Execute(w, pageData{Greeting: greeting, Host: hostname(), DB: status}); err != nil {
			log.Printf("render page: %v", err)
		}
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /db", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(checkDatabase(r.Context(), db))
	})
	return mux
}

func envOr(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}
	return fallback
}

func hostname() string {
	name, err := os.Hostname()
	if err != nil {
		return "somewhere"
	}
	return name
}

func logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		next.ServeHTTP(w, r)
		if r.URL.Path != "/healthz" {
			log.Printf("%s %s %s", r.Method, r.URL.Path, time.Since(start).Round(time.Millisecond))
		}
	})
}

type pageData struct {
	Greeting string
	Host     string
	DB       dbStatus
}

var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Hero</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5; }
h1 { font-size: 2.2rem; } .muted { color: #666; } code { background: #f3f3f3; padding: 0 .25rem; }
</style></head>
<body>
<h1>🦸 {{.Greeting}}</h1>
<p>Hello, traveller! You reached Hero on <code>{{.Host}}</code>.</p>
{{if not .DB.Configured}}<p class="muted">Hero has no database yet. That comes later in the journey.</p>
{{else if .DB.Connected}}<p>Hero talks to its database ({{.DB.Server}}).
{{if .DB.Tables}}Tables: {{range $i, $t := .DB.Tables}}{{if $i}}, {{end}}<code>{{$t}}</code>{{end}}.{{else}}No tables yet: the schema is still to come.{{end}}</p>
{{else}}<p>Hero has a database configured but cannot reach it: <code>{{.DB.Error}}</code></p>{{end}}
</body>
</html>
`))
