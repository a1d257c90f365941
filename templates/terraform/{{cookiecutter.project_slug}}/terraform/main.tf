{%- set cloud_run = cookiecutter.provides.server -%}
provider "google" {
  project = local.project
  region  = local.region

  # Every resource that takes labels gets these, on top of the labels set below.
  default_labels = local.labels
}

locals {
  slug = {{ cookiecutter.project_slug|hcl_str }}

  # The platform's environments (platform settings): each is a GCP project and region.
  environments = {
{%- for name, env in cookiecutter.platform.environments.items() if env.project %}
    {{ name|hcl_str }} = {
      project = {{ env.project|hcl_str }}
      region  = {{ env.region|hcl_str }}
    }
{%- endfor %}
  }
  project = local.environments[var.environment].project
  region  = local.environments[var.environment].region

  registry = {{ cookiecutter.platform.registry|hcl_str }}
  image    = "${local.registry}/${local.slug}:${var.image_tag}"

  # Cloud labels (lower-case letters, digits, - and _): who owns what, and how sensitive it is.
  labels = {
    owner               = {{ cookiecutter.owner_team|label_value|hcl_str }}
    data_classification = {{ cookiecutter.data_classification|label_value|hcl_str }}
    project             = {{ cookiecutter.project_slug|label_value|hcl_str }}
    pattern             = {{ cookiecutter.pattern|label_value|hcl_str }}
    environment         = var.environment
    managed_by          = "terraform"
    generator           = "mlgolden"
  }
}

{%- if cloud_run %}
# The identity the Cloud Run service runs as. It gets only the roles it needs, granted next to
# the resources they are about.
{%- else %}
# The identity of the batch job: it may write the output table and the artefact bucket. The
# platform binds the job's Kubernetes service account to it (Workload Identity).
{%- endif %}
resource "google_service_account" "runtime" {
  account_id   = {{ (cookiecutter.project_slug[:27].rstrip('-') ~ '-sa')|hcl_str }}
  display_name = {{ (cookiecutter.project_slug ~ ' runtime')|hcl_str }}
  description  = {{ ("Runtime identity of " ~ cookiecutter.project_slug ~ ": " ~ cookiecutter.description)[:256]|hcl_str }}
}
