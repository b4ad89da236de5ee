def test_owner_reads_own_organisation(world, api_as):
    response = api_as("owner").get("/api/organisation")
    assert response.status_code == 200
    assert response.json()["legal_name"] == world.org_a.legal_name
