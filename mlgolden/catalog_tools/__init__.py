"""Tools for the platform teams who own a catalog: `mlgolden catalog check|test|release`.

- :mod:`.check`   – static checks of a catalog folder (schema, components, questions, Jinja,
                    git-ignored template files, changelog), every problem with its file and line;
- :mod:`.matrix`  – render every pattern over a pairwise matrix of its answers, validate each
                    render, run the projects' own tests, upgrade from the previous tag;
- :mod:`.release` – check, test, bump, commit and tag a version.
"""
