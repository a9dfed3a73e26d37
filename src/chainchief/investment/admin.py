from chainchief.core.admin import register_remaining

register_remaining("investment")
