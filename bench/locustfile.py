"""Load profile: officials reading the cockpit, chain lists and maps, and searching enterprises."""
import os
import random

from locust import HttpUser, between, task

USERNAME = os.environ.get("BENCH_USER", "bench_coordinator")
PASSWORD = os.environ.get("BENCH_PASSWORD", "Bench#2026")
TOKEN = os.environ.get("BENCH_TOKEN")  # issued once before the run: officials log in once a day, not per minute


class Official(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        token = TOKEN
        if not token:
            r = self.client.post("/api/v1/auth/token", json={"username": USERNAME, "password": PASSWORD},
                                 name="auth/token")
            token = r.json()["token"]
        self.client.headers["Authorization"] = f"Bearer {token}"
        chains = self.client.get("/api/v1/chains?limit=100", name="chains").json()["items"]
        self.chain_ids = [c["id"] for c in chains] or [1]

    @task(4)
    def cockpit(self):
        self.client.get("/api/v1/monitoring/chains", name="monitoring/chains")

    @task(3)
    def search(self):
        self.client.get(f"/api/v1/enterprises?q=合成企业{random.randint(0, 49999):05d}", name="enterprises?q=")

    @task(2)
    def chains(self):
        self.client.get("/api/v1/chains", name="chains")

    @task(2)
    def chain_map(self):
        self.client.get(f"/api/v1/chains/{random.choice(self.chain_ids)}/map", name="chains/{id}/map")

    @task(1)
    def series(self):
        self.client.get(f"/api/v1/monitoring/chains/{random.choice(self.chain_ids)}/series",
                        name="monitoring/chains/{id}/series")
