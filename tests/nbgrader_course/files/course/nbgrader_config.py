# An nbgrader course like the one in nbgrader's documentation (problem set ps1, two students).
c = get_config()  # noqa: F821

c.CourseDirectory.course_id = "example_course"
# seconds a cell may run before nbgrader interrupts it (nbgrader's default is 30)
c.Execute.timeout = 5
# a late submission scores zero (nbgrader's built-in late-submission plugin)
c.LateSubmissionPlugin.penalty_method = "zero"
