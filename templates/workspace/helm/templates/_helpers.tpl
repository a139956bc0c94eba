{{/* Labels every Hero object carries. */}}
{{- define "hero.labels" -}}
app.kubernetes.io/name: hero
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end }}

{{/* Labels the Service uses to find Hero's Pods. */}}
{{- define "hero.selectorLabels" -}}
app.kubernetes.io/name: hero
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
