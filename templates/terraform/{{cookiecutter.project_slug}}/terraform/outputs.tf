{%- set cloud_run = cookiecutter.provides.server -%}
output "project" {
  description = "GCP project of this environment."
  value       = local.project
}

output "image" {
  description = "Image reference of this deployment (registry/slug:image_tag)."
  value       = local.image
}

output "service_account_email" {
  description = "Runtime identity of the workload."
  value       = google_service_account.runtime.email
}
{%- if cloud_run %}

output "service_url" {
  description = "URL of the Cloud Run service."
  value       = google_cloud_run_v2_service.app.uri
}
{%- endif %}
{%- if cookiecutter.provides.job %}

output "output_table" {
  description = "BigQuery table the predictions land in."
  value       = "${local.project}.${google_bigquery_table.predictions.dataset_id}.${google_bigquery_table.predictions.table_id}"
}

output "artefact_bucket" {
  description = "GCS bucket of the batch job's artefacts."
  value       = google_storage_bucket.artefacts.url
}
{%- endif %}
