"""The HTTP service (`mtus-check serve`): the three reports over a JSON API, the pre-submission web page, API keys
and sign-in, and the audit record of every determination. It sits on top of the pipeline, beside the command line."""
