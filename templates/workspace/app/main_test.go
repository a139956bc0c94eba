package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestPageWithoutDatabase(t *testing.T) {
	var out strings.Builder
	status := checkDatabase(context.Background(), dbSettings{})
	if err := page.Execute(&out, pageData{Greeting: greeting, Host: "test", DB: status}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), greeting) || !strings.Contains(out.String(), "no database yet") {
		t.Fatalf("unexpected page:\n%s", out.String())
	}
}

func TestDatabaseURLEscapesThePassword(t *testing.T) {
	s := dbSettings{Host: "db", Port: "5432", User: "hero", Password: "p@ss:/word", Name: "hero"}
	got := s.url("disable")
	want := "postgres://hero:p%40ss%3A%2Fword@db:5432/hero?connect_timeout=3&sslmode=disable"
	if got != want {
		t.Fatalf("url = %s, want %s", got, want)
	}
}

func TestUnreachableDatabaseIsReported(t *testing.T) {
	status := checkDatabase(context.Background(), dbSettings{Host: "127.0.0.1", Port: "1", User: "u", Name: "n", SSLMode: "disable"})
	if !status.Configured || status.Connected || status.Error == "" {
		t.Fatalf("status = %+v", status)
	}
}

func TestRoutes(t *testing.T) {
	handler := newHandler(dbSettings{})
	for path, want := range map[string]string{"/": greeting, "/healthz": "ok", "/db": `"configured": false`} {
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("GET %s = %d %q, want 200 containing %q", path, rec.Code, rec.Body.String(), want)
		}
	}
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, httptest.NewRequest("GET", "/nope", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("GET /nope = %d, want 404", rec.Code)
	}
}
