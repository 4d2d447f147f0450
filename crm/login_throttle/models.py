from django.db import models


class LoginFailure(models.Model):
    """One failed login: the user name typed (folded to lower case) and the address it came from."""

    username = models.CharField(max_length=150)
    ip_address = models.CharField(max_length=45)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["username", "ip_address", "at"], name="login_failure_who_at")]

    def __str__(self):
        return f"{self.username} from {self.ip_address} at {self.at:%Y-%m-%d %H:%M}"
