variable "environment" {
  description = "Platform environment to deploy to; it selects the GCP project and region."
  type        = string

  validation {
    condition     = contains({{ (cookiecutter.platform.environments|dictsort|selectattr('1.project')|map(attribute='0')|list)|tojson }}, var.environment)
    error_message = {{ ("The environment must be one of " ~ (cookiecutter.platform.environments|dictsort|selectattr('1.project')|map(attribute='0')|list)|join(", ") ~ ".")|hcl_str }}
  }
}

variable "image_tag" {
  description = {{ ("Tag of the image " ~ cookiecutter.platform.registry ~ "/" ~ cookiecutter.project_slug ~ " to run (the CI passes the commit's tag).")|hcl_str }}
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag))
    error_message = "The image tag must be a valid Docker tag."
  }
}
{%- if cookiecutter.provides.serve %}

variable "min_instances" {
  description = "Minimum number of Cloud Run instances (0 scales to zero)."
  type        = number
  default     = {{ cookiecutter.min_instances }}
}

variable "max_instances" {
  description = "Maximum number of Cloud Run instances."
  type        = number
  default     = {{ cookiecutter.max_instances }}

  validation {
    condition     = var.max_instances >= 1
    error_message = "max_instances must be at least 1."
  }
}
{%- elif cookiecutter.provides.app %}

variable "min_instances" {
  description = "Minimum number of Cloud Run instances of the demo (0 scales to zero)."
  type        = number
  default     = 0
}

variable "max_instances" {
  description = "Maximum number of Cloud Run instances of the demo."
  type        = number
  default     = 2
}

variable "invoker_members" {
  description = "IAM members allowed to open the demo, e.g. [\"group:data-science@example.com\"]. Empty: nobody but project owners."
  type        = list(string)
  default     = []
}
{%- if cookiecutter.inference_mode == 'service' %}

variable "service_url" {
  description = "Base URL of the live prediction service the demo calls (env SERVICE_URL)."
  type        = string
  default     = {{ cookiecutter.service_url|hcl_str }}
}
{%- endif %}
{%- endif %}
