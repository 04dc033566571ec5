-- landing.run_parameters holds exactly one row: the build's reporting date and refresh time.
select count(*) as run_parameter_rows
from {{ source('landing', 'run_parameters') }}
having count(*) <> 1
