"""gunicorn settings read from the working directory (/app in the image): only what the command line lacks.

The access and error logs go through ``samennw.logfilters.CaseCodeFilter``: no case code in a log line.
"""

logger_class = "samennw.logfilters.GunicornLogger"
